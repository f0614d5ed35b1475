import type { Component } from 'vue';
import { DataAnalysis, Document, OfficeBuilding, Medal, Tickets } from '@element-plus/icons-vue';
import type { Role } from '@cqo/contracts';

/** Pages that appear in the side menu. */
export type MenuRouteName = 'overview' | 'enterprises' | 'audit' | 'my-enterprise' | 'evaluation';

export interface MenuItem {
  name: MenuRouteName;
  titleKey: `menu.${'overview' | 'enterprises' | 'audit' | 'myEnterprise' | 'evaluation'}`;
  icon: Component;
}

const MENU_ITEMS: Record<MenuRouteName, MenuItem> = {
  overview: { name: 'overview', titleKey: 'menu.overview', icon: DataAnalysis },
  enterprises: { name: 'enterprises', titleKey: 'menu.enterprises', icon: OfficeBuilding },
  audit: { name: 'audit', titleKey: 'menu.audit', icon: Tickets },
  'my-enterprise': { name: 'my-enterprise', titleKey: 'menu.myEnterprise', icon: Document },
  evaluation: { name: 'evaluation', titleKey: 'menu.evaluation', icon: Medal },
};

/** The side menu of each role, in order; the first item is the role's home page. */
export function menuRoutesFor(role: Role): MenuRouteName[] {
  switch (role) {
    case 'province':
    case 'admin':
      return ['overview', 'enterprises', 'audit'];
    case 'city':
    case 'county':
      return ['overview', 'enterprises'];
    case 'enterprise':
      return ['my-enterprise'];
    case 'evaluator':
      return ['evaluation'];
    default: {
      const unhandled: never = role;
      throw new Error(`No menu for role ${String(unhandled)}`);
    }
  }
}

export function menuFor(role: Role): MenuItem[] {
  return menuRoutesFor(role).map((name) => MENU_ITEMS[name]);
}

export function homeFor(role: Role): MenuRouteName {
  return menuRoutesFor(role)[0];
}

export function canVisit(role: Role, menuRoute: string): boolean {
  return (menuRoutesFor(role) as string[]).includes(menuRoute);
}
