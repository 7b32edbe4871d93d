// React hooks for KloudConsent. The widget needs nothing from React: it
// watches the whole document, so gated tags and embeds that React adds later
// are gated as if they had been in the page from the start. These hooks only
// make the usual SPA moves safe.
import { useEffect, useState } from "react";

/**
 * Adds a gated `<script type="text/plain" data-consent="...">` to the page
 * while the component is mounted; the widget runs it once its categories
 * are granted (now, or when the visitor decides).
 *
 * Why an effect and not `<script>` in JSX: React never runs a script element
 * it renders, and the widget runs a gated script by putting a live copy in
 * its place, a node React does not know about.
 *
 * Once per page: `id` names the tag. While a tag with this id is on the page
 * (waiting, or already run) no second one is added, so going back to a route
 * never runs its script twice. Leaving the route takes the tag away only
 * while it still waits: a script that ran cannot be unrun.
 */
export function useGatedScript({ id, consent, src, code }) {
  useEffect(() => {
    if (document.getElementById(id)) return undefined;
    const tag = document.createElement("script");
    tag.type = "text/plain";
    tag.id = id;
    tag.setAttribute("data-consent", consent);
    // Under a nonce CSP, a tag added now runs only with the page's nonce
    // (docs/security.md): the widget's own tag carries it.
    const nonce = document.querySelector('script[src*="kloudconsent.js"]')?.nonce;
    if (nonce) tag.nonce = nonce;
    if (src) tag.src = src;
    else tag.text = code;
    document.body.appendChild(tag);
    return () => {
      const current = document.getElementById(id);
      if (current && current.type === "text/plain") current.remove();
    };
  }, [id, consent, src, code]);
}

/**
 * The visitor's decision (`kloudconsent.get()`), kept current: `undefined`
 * until the widget has read the stored decision, then the state or `null`
 * while undecided.
 */
export function useConsent() {
  const [state, setState] = useState(undefined);
  useEffect(() => {
    let offs = [];
    const subscribe = () => {
      const kc = window.kloudconsent;
      const update = () => setState(kc.get());
      offs = ["ready", "consent", "change"].map((name) => kc.on(name, update));
    };
    if (window.kloudconsent) subscribe();
    else {
      // The app started before the widget's script ran (an async or module
      // bundle, as Next.js and SvelteKit load theirs): its `ready` comes on window.
      const stopWaiting = () => window.removeEventListener("kloudconsent:ready", late);
      const late = () => { stopWaiting(); subscribe(); };
      window.addEventListener("kloudconsent:ready", late);
      offs = [stopWaiting];
    }
    return () => offs.forEach((off) => off());
  }, []);
  return state;
}
