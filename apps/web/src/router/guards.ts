import type { Router } from 'vue-router';
import { i18n } from '@/locales';
import { useAuthStore } from '@/stores/auth';
import { canVisit, homeFor } from './menu';

export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore();

    if (to.meta.public) {
      // A signed-in user opening /login goes straight to its home page.
      if (to.name === 'login' && auth.hasToken()) {
        try {
          const me = await auth.ensureUser();
          return { name: homeFor(me.role) };
        } catch {
          auth.reset();
        }
      }
      return true;
    }

    if (!auth.hasToken()) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    }

    let role;
    try {
      const me = await auth.ensureUser();
      role = me.role;
      // A new or reset account changes its password before anything else (ASVS V2.5.1).
      if (me.mustChangePassword && to.name !== 'change-password') {
        return { name: 'change-password', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
      }
    } catch {
      auth.reset();
      return { name: 'login' };
    }

    // Pages any signed-in role may open (e.g. a certificate reached by its code): the API decides
    // what the user may see there.
    if (to.meta.signedIn) return true;

    // A page outside the role's menu (or the bare "/") sends the user to its home page.
    if (!to.meta.menu || !canVisit(role, to.meta.menu)) {
      return { name: homeFor(role) };
    }
    return true;
  });

  router.afterEach((to) => {
    const appName = i18n.global.t('app.name');
    document.title = to.meta.titleKey ? `${i18n.global.t(to.meta.titleKey)} - ${appName}` : appName;
  });
}
