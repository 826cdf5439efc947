/** What the schedules tell the rest of the bot, whoever changed them (a take-over, a volunteer, a swap). */

/**
 * Who is on call changed (an override written by a handoff or a swap): whatever shows the schedule (the Home
 * tab) redraws from it, after the change is written (dispatched by the table in src/app.ts).
 */
export interface ShiftChangedEvent {
  type: 'shift.changed';
  rotation: string;
}
