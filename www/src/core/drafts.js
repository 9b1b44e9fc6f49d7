// The user's text, kept locally so it is never lost: this tab's last text (sessionStorage,
// survives a reload even inside the URL's debounce) and the page's last text
// (localStorage, opens in a new tab without a link). Storage that is unavailable or full
// (private modes, quotas) is skipped: the address bar still holds the text.
//
//   const drafts = createDrafts(location.pathname)
//   drafts.save(text)    on every change
//   drafts.tab()         this tab's last text, or null
//   drafts.last()        the page's last text (any tab), or null

const MAX_DRAFT_CHARS = 256 * 1024;

export function createDrafts(page, { session = safe(() => sessionStorage), local = safe(() => localStorage) } = {}) {
  const key = `kplay:draft:${page}`;
  const get = (store) => {
    try {
      return store?.getItem(key) ?? null;
    } catch {
      return null;
    }
  };
  return {
    save(text) {
      if (text.length > MAX_DRAFT_CHARS) return;
      for (const store of [session, local]) {
        try {
          store?.setItem(key, text);
        } catch {
          // Full or forbidden: the URL still carries the text.
        }
      }
    },
    tab: () => get(session),
    last: () => get(local),
  };
}

function safe(f) {
  try {
    return f();
  } catch {
    return null;
  }
}
