// A gated external tag of the old kind: it writes its markup where it stands.
document.write('<i id="external-written"></i>');
