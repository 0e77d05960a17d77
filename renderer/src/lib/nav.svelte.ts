/**
 * Which page is shown. Kept in the URL hash (#/models) so a reload stays on the page;
 * the query string (the server token) is left alone.
 */
import { PAGE_IDS, type PageId } from '../pages/pages.js';

function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '');
  return (PAGE_IDS as readonly string[]).includes(id) ? (id as PageId) : PAGE_IDS[0];
}

class Navigation {
  #page = $state<PageId>(pageFromHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.#page = pageFromHash(window.location.hash);
    });
  }

  get page(): PageId {
    return this.#page;
  }

  go(page: PageId): void {
    this.#page = page;
    if (pageFromHash(window.location.hash) !== page || !window.location.hash) {
      window.history.replaceState(null, '', `#/${page}`);
    }
  }
}

export const nav = new Navigation();
