import type {
  AppointmentDetail,
  AppointmentSummary,
  ChangeAppointmentRequest,
  DismissAppointmentRequest,
  EnterpriseAppointments,
  FileAppointmentRequest,
  VerdictResult,
} from '@cqo/contracts';
import { hasFieldErrors, request } from './request';

const enterprisePath = (enterpriseId: string) => `/enterprises/${encodeURIComponent(enterpriseId)}/appointments`;
const appointmentPath = (id: string) => `/appointments/${encodeURIComponent(id)}`;

/** Field errors (details[]) are shown under the form items by the caller; other errors as a toast. */
const fieldErrorsSilent = { silent: hasFieldErrors };

/** The current CQO (whole phone: the API audits this read), the history and the profile in force. */
export function fetchEnterpriseAppointments(enterpriseId: string): Promise<EnterpriseAppointments> {
  return request<EnterpriseAppointments>('GET', enterprisePath(enterpriseId), {
    silent: (error) => error.status === 404,
  });
}

/** 409 CONFLICT when the enterprise already has an active CQO: the filer must use 变更. */
export function fileAppointment(enterpriseId: string, body: FileAppointmentRequest): Promise<AppointmentDetail> {
  return request<AppointmentDetail>('POST', enterprisePath(enterpriseId), { body, ...fieldErrorsSilent });
}

/** The verdict the filing would get; nothing is saved. Silent: the form shows a stale preview instead. */
export function previewAppointment(enterpriseId: string, body: FileAppointmentRequest): Promise<VerdictResult> {
  return request<VerdictResult>('POST', `${enterprisePath(enterpriseId)}/preview`, { body, silent: true });
}

export function fetchAppointment(id: string): Promise<AppointmentDetail> {
  return request<AppointmentDetail>('GET', appointmentPath(id));
}

export function changeAppointment(id: string, body: ChangeAppointmentRequest): Promise<AppointmentDetail> {
  return request<AppointmentDetail>('POST', `${appointmentPath(id)}/change`, { body, ...fieldErrorsSilent });
}

export function dismissAppointment(id: string, body: DismissAppointmentRequest): Promise<AppointmentSummary> {
  return request<AppointmentSummary>('POST', `${appointmentPath(id)}/dismiss`, { body, ...fieldErrorsSilent });
}

/** The verdict on `asOf` (YYYY-MM-DD; default today on the server). */
export function fetchAppointmentVerdict(id: string, asOf?: string): Promise<VerdictResult> {
  return request<VerdictResult>('GET', `${appointmentPath(id)}/verdict`, { query: { asOf } });
}
