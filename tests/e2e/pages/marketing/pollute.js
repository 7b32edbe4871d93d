// A page bug (or a prototype-pollution hole in one of its libraries) that
// puts a granted Consent Mode region on every object, before the widget runs.
Object.prototype.googleConsentMode = {
  regions: [{ region: ["AU"], ad_storage: "granted", analytics_storage: "granted" }],
};
