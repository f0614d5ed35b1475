import type {
  CreateProfileVersionRequest,
  PolicyCatalogue,
  PolicyProfile,
  UseProfileRequest,
  WhatIfRequest,
  WhatIfResponse,
} from '@cqo/contracts';
import { hasFieldErrors, request } from './request';

export function fetchPolicyCatalogue(): Promise<PolicyCatalogue> {
  return request<PolicyCatalogue>('GET', '/policy');
}

/** Field errors (details[]) are shown by the caller; other errors as a toast. */
export function createProfileVersion(body: CreateProfileVersionRequest): Promise<PolicyProfile> {
  return request<PolicyProfile>('POST', '/policy/profiles', { body, silent: hasFieldErrors });
}

export function scheduleProfile(body: UseProfileRequest): Promise<PolicyCatalogue> {
  return request<PolicyCatalogue>('POST', '/policy/schedule', { body, silent: hasFieldErrors });
}

export function runWhatIf(body: WhatIfRequest): Promise<WhatIfResponse> {
  return request<WhatIfResponse>('POST', '/policy/what-if', { body });
}
