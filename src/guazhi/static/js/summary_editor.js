// The summary editor (summaries/summary_edit.html): saves by itself and loses nothing typed.
//
// Every keystroke's text goes to localStorage at once (key guazhi.summary.<pk>, with the
// version of the server's text it was typed on, and once saved marked so); the server gets it after 3 s without typing
// and when the page is left, through the JSON endpoint (CSRF header). Without a network the
// text waits in localStorage and goes when the network is back. When the page opens and this
// browser holds text the server does not have: typed on the version the page shows, it is put
// back and saved; typed on an older version (the summary was saved elsewhere since), both are
// shown and the person chooses. A save that meets a version saved meanwhile in another tab
// (409) does the same. The page is a plain form too: without JavaScript it posts the text with
// the version it was loaded at, and the server shows both versions on a conflict.
(() => {
  "use strict";

  const form = document.querySelector("form[data-summary-editor]");
  if (!form) return;

  const IDLE_MS = 3000;
  const text = form.dataset;
  const storageKey = `guazhi.summary.${text.summaryPk}`;
  const status = document.querySelector("[data-save-status]");
  const versionInput = form.querySelector("input[name=base_version]");
  const titleInput = form.querySelector("[name=title]");
  const areas = Array.from(form.querySelectorAll("textarea[data-section-key]"));
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const panel = document.querySelector("[data-conflict]");

  let timer = null;
  let saving = false;
  let again = false; // typed while a save was under way: save once more after it
  let leaving = false; // the form is being posted: no save may race it
  let choosing = false; // the two versions are shown: nothing is saved until one is chosen
  let afterSave = null;

  const version = () => Number(versionInput.value);
  const current = () => ({
    title: titleInput.value,
    bodies: Object.fromEntries(areas.map((area) => [area.dataset.sectionKey, area.value])),
  });
  // Browsers give textarea values with \n; the server's text may come with \r\n.
  const plain = (value) => (value || "").replace(/\r\n?/g, "\n");
  const same = (a, b) =>
    plain(a.title) === plain(b.title) &&
    areas.every((area) => {
      const key = area.dataset.sectionKey;
      return plain(a.bodies[key]) === plain(b.bodies[key]);
    });
  // What the server holds at version(): the text the page was loaded with, then each save.
  let saved = current();

  const show = (state, detail = "") => {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = (text[`text${state[0].toUpperCase()}${state.slice(1)}`] || "") + detail;
  };

  const readLocal = () => {
    try {
      const stored = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return stored && typeof stored.version === "number" && stored.bodies ? stored : null;
    } catch (error) {
      return null;
    }
  };
  // `clean`: the text is the server's at `version` (saved); else typed on it and not saved yet.
  const remember = (clean = false) => {
    try {
      window.localStorage.setItem(
        storageKey,
        JSON.stringify({ version: version(), ...current(), clean, at: Date.now() }),
      );
    } catch (error) {
      // Storage full or refused (private mode): the server save still runs.
    }
  };
  const forget = () => {
    try {
      window.localStorage.removeItem(storageKey);
    } catch (error) {
      // Nothing to do.
    }
  };
  const apply = (version_, title, bodies) => {
    versionInput.value = String(version_);
    titleInput.value = title;
    areas.forEach((area) => {
      const key = area.dataset.sectionKey;
      if (key in bodies) area.value = plain(bodies[key]);
    });
  };

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => save(), IDLE_MS);
  };

  async function save({ keepalive = false } = {}) {
    window.clearTimeout(timer);
    if (leaving || choosing) return;
    const sent = current();
    if (same(sent, saved)) {
      remember(true);
      show("saved");
      return;
    }
    if (saving) {
      again = true;
      return;
    }
    if (!navigator.onLine) {
      show("offline");
      return;
    }
    saving = true;
    show("saving");
    const body = JSON.stringify({ base_version: version(), ...sent });
    try {
      const response = await fetch(text.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        // A request that outlives the page may carry at most 64 KB; a longer text stays in
        // localStorage and is put back when the editor opens again.
        keepalive: keepalive && new Blob([body]).size < 60000,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf,
        },
        body,
      });
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      const answer = isJson ? await response.json() : {};
      if (response.ok && isJson) {
        versionInput.value = String(answer.version);
        saved = sent;
        if (same(current(), saved)) {
          // Kept, marked saved: a page reloaded at once may have been made before this save
          // reached the database, and then shows the older text (see "on opening").
          remember(true);
          show("saved");
        } else {
          remember(); // typed during the save: kept with the new version, saved next
          schedule();
        }
      } else if (response.status === 409 && answer.code === "edit_conflict") {
        const theirs = answer.detail;
        if (same(current(), theirs)) {
          // The other save sent this very text (a save on leaving the last page, say).
          versionInput.value = String(theirs.version);
          saved = { title: theirs.title, bodies: theirs.bodies };
          remember(true);
          show("saved");
        } else {
          offerChoice(answer.message, theirs);
        }
      } else {
        show("failed", answer.message || `${response.status}`);
      }
    } catch (error) {
      show("offline"); // the network dropped: the text waits in localStorage
    } finally {
      saving = false;
      if (afterSave) {
        const next = afterSave;
        afterSave = null;
        next();
      } else if (again) {
        again = false;
        save();
      }
    }
  }

  // --- the two versions ----------------------------------------------------------------

  const block = (tag, content, className = "") => {
    const node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  };

  // `theirs` is {version, title, bodies}: the other text, at the version to save against.
  function offerChoice(message, theirs) {
    if (!panel) return;
    choosing = true;
    window.clearTimeout(timer);
    remember();
    const mine = current();
    panel.querySelector("[data-conflict-message]").textContent = message;
    const list = panel.querySelector("[data-conflict-sections]");
    list.replaceChildren();
    const rows = [[text.textTitle, mine.title, theirs.title]];
    areas.forEach((area) => {
      const key = area.dataset.sectionKey;
      const label = form.querySelector(`label[for="${area.id}"]`);
      rows.push([label ? label.textContent : key, mine.bodies[key], theirs.bodies[key]]);
    });
    rows
      .filter(([, a, b]) => plain(a) !== plain(b))
      .forEach(([heading, a, b]) => {
        list.append(block("h3", heading));
        list.append(block("p", text.textMine, "muted"));
        list.append(block("p", plain(a) || text.textEmpty));
        list.append(block("p", text.textTheirs, "muted"));
        list.append(block("p", plain(b) || text.textEmpty));
      });
    panel.hidden = false;
    panel.dataset.theirs = JSON.stringify(theirs);
    panel.scrollIntoView({ block: "start" });
  }

  panel?.addEventListener("click", (event) => {
    const button = event.target.closest("[data-keep]");
    if (!button) return;
    const theirs = JSON.parse(panel.dataset.theirs || "null");
    if (!theirs) return;
    panel.hidden = true;
    choosing = false;
    saved = { title: theirs.title, bodies: theirs.bodies };
    if (button.dataset.keep === "theirs") {
      apply(theirs.version, theirs.title, theirs.bodies);
      remember(true);
      show("saved");
    } else {
      versionInput.value = String(theirs.version); // this page's text, saved over theirs
      remember();
      save();
    }
  });

  // --- events --------------------------------------------------------------------------

  form.addEventListener("input", () => {
    remember();
    show(navigator.onLine ? "unsaved" : "offline");
    schedule();
  });
  form.addEventListener("submit", (event) => {
    if (saving) {
      // A save under way will change the version this post is based on: post after it.
      event.preventDefault();
      const submitter = event.submitter;
      afterSave = () => form.requestSubmit(submitter);
      return;
    }
    leaving = true;
    window.clearTimeout(timer);
  });
  window.addEventListener("online", () => save());
  window.addEventListener("offline", () => show("offline"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save({ keepalive: true });
  });
  window.addEventListener("pagehide", () => save({ keepalive: true }));

  // --- on opening ----------------------------------------------------------------------

  const local = readLocal();
  if (!local) {
    show("saved");
  } else if (local.version > version()) {
    // The page was made before a save from this browser reached the database (reloaded right
    // after typing): the newer text is the one kept here.
    apply(local.version, local.title, local.bodies);
    if (local.clean) {
      saved = current();
      show("saved");
    } else {
      show("restored");
      save();
    }
  } else if (local.clean || same(local, saved)) {
    // Saved from here, and the server has it (or has moved on from it since): nothing to add.
    forget();
    show("saved");
  } else if (local.version === version()) {
    // Typed on the text the server still has, and never saved: put back, then saved.
    apply(version(), local.title, local.bodies);
    show("restored");
    save();
  } else {
    // Typed on an older text, and the summary was saved elsewhere since: the person chooses.
    // Until then the page holds the local text on its own (older) version, as kept.
    const theirs = { version: version(), ...saved };
    apply(local.version, local.title, local.bodies);
    offerChoice(text.textLocalConflict, theirs);
  }
})();
