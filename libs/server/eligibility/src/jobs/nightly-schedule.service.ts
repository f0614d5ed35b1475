import { Injectable } from '@nestjs/common';
import { ScheduleRegistrar } from '@cqo/server-queue';

/** Registers the nightly re-evaluation (01:30 China time, SCHEDULES in @cqo/server-queue) as one bull repeatable job. */
@Injectable()
export class NightlyScheduleService extends ScheduleRegistrar('eligibility.nightly') {}
