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
      return ['overview', 'enterprises', 'violations', 'training-shortfall', 'policy', 'audit', 'admin-queues'];
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
