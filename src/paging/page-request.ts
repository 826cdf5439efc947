/**
 * What another feature's decision asks of paging (the `pager` steps of alerts and incidents), and the one place
 * that does it with PageService in the caller's transaction. An asker's decide module names the requests it
 * makes (a part of PageRequest, and an open-page of its own that says whose page it is); its apply opens the
 * page with openPageFor, records the new page's id its own way, and hands every other request to askPager.
 */
import type { EngineTx } from '../engine/engine.js';
import type { NewPage, PageService } from './page-service.js';
import type { Page } from './page-store.js';

/** What a decision asks of a page paging already has. */
export type PageRequest =
  /** The page climbs the chain of its new severity. */
  | { kind: 'page-severity'; pageId: number; severity: string }
  /** The source closed what the page is about there (resolved or acknowledged it). */
  | { kind: 'close-page-from-source'; pageId: number; how: 'resolved' | 'acknowledged'; source: string }
  /** A person acknowledges the page (a reaction on an alert group's message); paging's refusal stops the decision and is shown. */
  | { kind: 'acknowledge'; pageId: number; by: string; via?: 'reaction' }
  /** A `how: page` notify rule reaches its people through the page, Acknowledge included. */
  | { kind: 'page-by-rule'; pageId: number; rule: number; why: string }
  /** What the page is about was closed: so is the page. */
  | { kind: 'resolve-page'; pageId: number; by: string; why: string };

/** A new page as a decision asks for it: rotation, severity and summary, and who asked and the tags where it knows them. */
export interface PageOpening {
  rotation: string;
  severity: string;
  summary: string;
  by?: string;
  tags?: string[];
}

/**
 * Opens the page a decision asked for, on behalf of `asker`: its source and ref, and `notify: false` when the
 * asker sends the policy's notifications itself (an incident does, with its channel).
 */
export function openPageFor(
  tx: EngineTx,
  pager: PageService,
  opening: PageOpening,
  asker: Pick<NewPage, 'source' | 'sourceRef' | 'notify'>,
): Page {
  return pager.create(tx, {
    rotation: opening.rotation,
    severity: opening.severity,
    summary: opening.summary,
    createdBy: opening.by,
    tags: opening.tags,
    ...asker,
  });
}

/** Does what a decision asked of a page; paging's refusal (of an acknowledgement) as text, else null. */
export function askPager(tx: EngineTx, pager: PageService, request: PageRequest): string | null {
  switch (request.kind) {
    case 'page-severity':
      pager.changeSeverity(tx, request.pageId, request.severity);
      return null;
    case 'close-page-from-source':
      pager.closeFromSource(tx, request.pageId, request.how, request.source);
      return null;
    case 'acknowledge': {
      const outcome = pager.acknowledge(tx, request.pageId, request.by, request.via ? { via: request.via } : {});
      return outcome.ok ? null : outcome.message;
    }
    case 'page-by-rule': {
      const page = pager.find(tx, request.pageId);
      if (page) pager.pageByRule(tx, page, request.rule, request.why);
      return null;
    }
    case 'resolve-page':
      pager.resolveFor(tx, request.pageId, request.by, request.why);
      return null;
  }
}
