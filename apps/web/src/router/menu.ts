import type { Component } from 'vue';
import {
  Avatar,
  DataAnalysis,
  Document,
  OfficeBuilding,
  Medal,
  Tickets,
  Warning,
  Notebook,
  Checked,
  Reading,
  Timer,
  Upload,
  Calendar,
  Finished,
  List,
  Memo,
  Files,
  Setting,
  TrendCharts,
  Operation,
  FolderOpened,
  DocumentAdd,
  EditPen,
  Stamp,
  Trophy,
  Promotion,
  DocumentChecked,
  User,
} from '@element-plus/icons-vue';
import type { Role } from '@cqo/contracts';

/** Pages that appear in the side menu. */
export type MenuRouteName =
  | 'overview'
  | 'enterprises'
  | 'enterprise-change-requests'
  | 'violations'
  | 'award-check'
  | 'policy'
  | 'audit'
  | 'my-enterprise'
  | 'my-cqo'
  | 'my-training'
  | 'training-shortfall'
  | 'training-import'
  | 'evaluation'
  | 'evaluation-scoring'
  | 'evaluation-certificates'
  | 'evaluation-talent-pool'
  | 'my-evaluation'
  | 'my-annual-report'
  | 'annual-report-review'
  | 'annual-report-status'
  | 'city-report'
  | 'city-reports'
  | 'filing-settings'
  | 'stats-settings'
  | 'admin-queues'
  | 'admin-users'
  | 'files-jobs'
  | 'roster-import';

type MenuTitle =
  | 'overview'
  | 'enterprises'
  | 'enterpriseChangeRequests'
  | 'violations'
  | 'awardCheck'
  | 'policy'
  | 'audit'
  | 'myEnterprise'
  | 'myCqo'
  | 'myTraining'
  | 'trainingShortfall'
  | 'trainingImport'
  | 'evaluation'
  | 'evaluationScoring'
  | 'evaluationCertificates'
  | 'talentPool'
  | 'myEvaluation'
  | 'myAnnualReport'
  | 'annualReportReview'
  | 'annualReportStatus'
  | 'cityReport'
  | 'cityReports'
  | 'filingSettings'
  | 'statsSettings'
  | 'adminQueues'
  | 'users'
  | 'filesJobs'
  | 'rosterImport';

export interface MenuItem {
  name: MenuRouteName;
  titleKey: `menu.${MenuTitle}`;
  icon: Component;
}

const MENU_ITEMS: Record<MenuRouteName, MenuItem> = {
  overview: { name: 'overview', titleKey: 'menu.overview', icon: DataAnalysis },
  enterprises: { name: 'enterprises', titleKey: 'menu.enterprises', icon: OfficeBuilding },
  'enterprise-change-requests': { name: 'enterprise-change-requests', titleKey: 'menu.enterpriseChangeRequests', icon: DocumentChecked },
  violations: { name: 'violations', titleKey: 'menu.violations', icon: Warning },
  'award-check': { name: 'award-check', titleKey: 'menu.awardCheck', icon: Checked },
  policy: { name: 'policy', titleKey: 'menu.policy', icon: Notebook },
  audit: { name: 'audit', titleKey: 'menu.audit', icon: Tickets },
  'my-enterprise': { name: 'my-enterprise', titleKey: 'menu.myEnterprise', icon: Document },
  'my-cqo': { name: 'my-cqo', titleKey: 'menu.myCqo', icon: Avatar },
  'my-training': { name: 'my-training', titleKey: 'menu.myTraining', icon: Reading },
  'training-shortfall': { name: 'training-shortfall', titleKey: 'menu.trainingShortfall', icon: Timer },
  'training-import': { name: 'training-import', titleKey: 'menu.trainingImport', icon: Upload },
  evaluation: { name: 'evaluation', titleKey: 'menu.evaluation', icon: Medal },
  'evaluation-scoring': { name: 'evaluation-scoring', titleKey: 'menu.evaluationScoring', icon: EditPen },
  'evaluation-certificates': { name: 'evaluation-certificates', titleKey: 'menu.evaluationCertificates', icon: Stamp },
  'evaluation-talent-pool': { name: 'evaluation-talent-pool', titleKey: 'menu.talentPool', icon: Trophy },
  'my-evaluation': { name: 'my-evaluation', titleKey: 'menu.myEvaluation', icon: Promotion },
  'my-annual-report': { name: 'my-annual-report', titleKey: 'menu.myAnnualReport', icon: Calendar },
  'annual-report-review': { name: 'annual-report-review', titleKey: 'menu.annualReportReview', icon: Finished },
  'annual-report-status': { name: 'annual-report-status', titleKey: 'menu.annualReportStatus', icon: List },
  'city-report': { name: 'city-report', titleKey: 'menu.cityReport', icon: Memo },
  'city-reports': { name: 'city-reports', titleKey: 'menu.cityReports', icon: Files },
  'filing-settings': { name: 'filing-settings', titleKey: 'menu.filingSettings', icon: Setting },
  'stats-settings': { name: 'stats-settings', titleKey: 'menu.statsSettings', icon: TrendCharts },
  'admin-queues': { name: 'admin-queues', titleKey: 'menu.adminQueues', icon: Operation },
  'admin-users': { name: 'admin-users', titleKey: 'menu.users', icon: User },
  'files-jobs': { name: 'files-jobs', titleKey: 'menu.filesJobs', icon: FolderOpened },
  'roster-import': { name: 'roster-import', titleKey: 'menu.rosterImport', icon: DocumentAdd },
};

/** The side menu of each role, in order; the first item is the role's home page. */
export function menuRoutesFor(role: Role): MenuRouteName[] {
  switch (role) {
    case 'province':
      return ['overview', 'enterprises', 'enterprise-change-requests', 'annual-report-status', 'city-reports', 'filing-settings', 'stats-settings', 'violations', 'training-shortfall', 'training-import', 'roster-import', 'award-check', 'policy', 'audit', 'files-jobs', 'evaluation-certificates', 'evaluation-talent-pool'];
    case 'admin':
      // The award check and the training import are officers' tasks (county / city / province);
      // certificates are personal data, which admin does not read (SPEC §1, issue 18 item 8): the
      // API refuses admin. 学时不足 stays for its ledger check (the names come masked).
      return ['overview', 'admin-users', 'enterprises', 'violations', 'training-shortfall', 'policy', 'audit', 'admin-queues'];
    case 'city':
      return ['overview', 'enterprises', 'enterprise-change-requests', 'annual-report-review', 'annual-report-status', 'city-report', 'violations', 'training-shortfall', 'training-import', 'roster-import', 'award-check', 'policy', 'files-jobs', 'evaluation-certificates'];
    case 'county':
      return ['overview', 'enterprises', 'enterprise-change-requests', 'annual-report-review', 'annual-report-status', 'violations', 'training-shortfall', 'roster-import', 'award-check', 'policy', 'files-jobs', 'evaluation-certificates'];
    case 'enterprise':
      return ['my-enterprise', 'my-cqo', 'my-training', 'my-annual-report', 'my-evaluation'];
    case 'evaluator':
      return ['evaluation', 'evaluation-scoring', 'evaluation-certificates', 'evaluation-talent-pool'];
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

/** The side menu's sub-menus (issue 20 item 12: a flat 16-item province menu scrolled at 800 px). */
export type MenuGroupKey = 'enterprises' | 'filings' | 'training' | 'evaluation' | 'system';

export interface MenuGroup {
  group: MenuGroupKey;
  titleKey: `menuGroup.${MenuGroupKey}`;
  icon: Component;
  children: MenuItem[];
}

export type MenuEntry = MenuItem | MenuGroup;

// 企业名录, the page officers open most, stays at the top.
const GROUP_OF: Partial<Record<MenuRouteName, MenuGroupKey>> = {
  'enterprise-change-requests': 'enterprises',
  violations: 'enterprises',
  'award-check': 'enterprises',
  'annual-report-review': 'filings',
  'annual-report-status': 'filings',
  'city-report': 'filings',
  'city-reports': 'filings',
  'filing-settings': 'filings',
  'training-shortfall': 'training',
  'training-import': 'training',
  'evaluation-certificates': 'evaluation',
  'evaluation-talent-pool': 'evaluation',
  'stats-settings': 'system',
  'roster-import': 'system',
  'files-jobs': 'system',
  audit: 'system',
  'admin-queues': 'system',
  'admin-users': 'system',
};

const GROUP_ICONS: Record<MenuGroupKey, Component> = {
  enterprises: OfficeBuilding,
  filings: Calendar,
  training: Reading,
  evaluation: Medal,
  system: Setting,
};

/** A menu this short stays flat: sub-menus would only hide its few pages. */
const FLAT_MENU_MAX = 7;

/**
 * The side menu as shown: a role with more than FLAT_MENU_MAX pages gets sub-menus after its first
 * pages (home, 企业名录), its other pages after them; a sub-menu of one page is shown as that page.
 */
export function menuTreeFor(role: Role): MenuEntry[] {
  const names = menuRoutesFor(role);
  if (names.length <= FLAT_MENU_MAX) return names.map((name) => MENU_ITEMS[name]);
  const entries: MenuEntry[] = [];
  const groups = new Map<MenuGroupKey, MenuGroup>();
  for (const name of names) {
    const key = GROUP_OF[name];
    if (!key) {
      entries.push(MENU_ITEMS[name]);
      continue;
    }
    let group = groups.get(key);
    if (!group) {
      group = { group: key, titleKey: `menuGroup.${key}`, icon: GROUP_ICONS[key], children: [] };
      groups.set(key, group);
      entries.push(group);
    }
    group.children.push(MENU_ITEMS[name]);
  }
  // The pages before the first sub-menu (the home page, 企业名录), the sub-menus in a fixed order,
  // then the other pages.
  const firstGroup = entries.findIndex((e) => 'group' in e);
  const leading = entries.slice(0, firstGroup);
  const grouped = GROUP_ORDER.flatMap((key) => {
    const group = groups.get(key);
    return group ? [group] : [];
  });
  const trailing = entries.slice(firstGroup).filter((e) => !('group' in e));
  return [...leading, ...grouped, ...trailing].map((e) => ('group' in e && e.children.length === 1 ? e.children[0] : e));
}

const GROUP_ORDER: MenuGroupKey[] = ['enterprises', 'filings', 'training', 'evaluation', 'system'];

/** The sub-menu a menu page sits in for this role, if any (for the breadcrumb and the open sub-menu). */
export function menuGroupOf(role: Role, name: string): MenuGroup | null {
  for (const entry of menuTreeFor(role)) {
    if ('group' in entry && entry.children.some((c) => c.name === name)) return entry;
  }
  return null;
}

/** The title key of a menu page, if `name` is one. */
export function menuTitleKey(name: string): MenuItem['titleKey'] | null {
  return (MENU_ITEMS as Record<string, MenuItem>)[name]?.titleKey ?? null;
}
