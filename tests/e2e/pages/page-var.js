// A page's own top-level `var kloudconsent` (a non-configurable property of
// window), defined before the widget's tag.
var kloudconsent = { mine: true };
