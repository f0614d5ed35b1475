import 'vue-router';
import type { MenuRouteName } from '@/router/menu';

export {};

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Reachable by any signed-in role, whatever its menu (the API scopes what it returns). */
    signedIn?: boolean;
    /** i18n key of the page title. */
    titleKey?: 'login.submit' | `menu.${string}`;
    /** The menu entry the page belongs to; a role may open the page only if that entry is in its menu. */
    menu?: MenuRouteName;
  }
}
