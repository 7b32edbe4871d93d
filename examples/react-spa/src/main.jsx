// A small React single-page app with KloudConsent. The widget is the one
// script tag in index.html; the app only marks what needs consent.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, NavLink, Route, Routes } from "react-router";
import { Home, Privacy, Stats, Video } from "./pages.jsx";

function App() {
  return (
    <BrowserRouter>
      <header>
        <nav>
          <NavLink to="/" end>Home</NavLink>
          <NavLink to="/stats">Stats</NavLink>
          <NavLink to="/video">Video</NavLink>
          <NavLink to="/privacy">Privacy</NavLink>
        </nav>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/stats" element={<Stats />} />
          <Route path="/video" element={<Video />} />
          <Route path="/privacy" element={<Privacy />} />
        </Routes>
      </main>
      <footer>
        {/* On every route: any element with data-kloudconsent-open opens the preference tool. */}
        <button type="button" data-kloudconsent-open>Cookie settings</button>
      </footer>
    </BrowserRouter>
  );
}

createRoot(document.getElementById("root")).render(<StrictMode><App /></StrictMode>);
