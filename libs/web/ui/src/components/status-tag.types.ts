export type StatusTagType = 'primary' | 'success' | 'info' | 'warning' | 'danger';

export interface StatusTagOption {
  type: StatusTagType;
  label: string;
}
