// Where the user is, mirrored in the URL hash so reload and the back button keep their place.
import { create } from 'zustand';

export const routerTabs = ['overview', 'failover', 'monitoring', 'events', 'drill', 'troubleshoot'] as const;
export type RouterTab = (typeof routerTabs)[number];

export type View = { kind: 'sites' } | { kind: 'site'; siteId: string } | { kind: 'router'; routerId: string; tab: RouterTab };

interface NavigationState {
  view: View;
  go(view: View): void;
}

export function parseHash(hash: string): View {
  const [, first, id, tab] = hash.replace(/^#/, '').split('/');
  if (first === 'sites' && id) return { kind: 'site', siteId: decodeURIComponent(id) };
  if (first === 'routers' && id) return { kind: 'router', routerId: decodeURIComponent(id), tab: (routerTabs as readonly string[]).includes(tab ?? '') ? (tab as RouterTab) : 'overview' };
  return { kind: 'sites' };
}

export function viewHash(view: View): string {
  switch (view.kind) {
    case 'sites':
      return '#/sites';
    case 'site':
      return `#/sites/${encodeURIComponent(view.siteId)}`;
    case 'router':
      return `#/routers/${encodeURIComponent(view.routerId)}/${view.tab}`;
  }
}

export const useNavigationStore = create<NavigationState>()((set) => ({
  view: parseHash(typeof location === 'undefined' ? '' : location.hash),
  go(view) {
    if (location.hash !== viewHash(view)) location.hash = viewHash(view);
    set({ view });
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => useNavigationStore.setState({ view: parseHash(location.hash) }));
}
