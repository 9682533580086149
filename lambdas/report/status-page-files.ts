/** A status page as the files that publish it: `index.html` and its JSON feed `status.json`. */
import type { CheckHistory } from '../core/report-model.js';
import { buildStatusPage, type StatusPage, type StatusPageShow } from '../core/status-page-model.js';
import { renderStatusPage } from './status-page.js';

/** The files a status page is: its feed and the page. */
export const STATUS_PAGE_FILES = ['status.json', 'index.html'] as const;

export interface StatusPageFile {
  readonly name: (typeof STATUS_PAGE_FILES)[number];
  readonly contentType: string;
  readonly body: string;
}

export function statusPageFiles(
  histories: readonly CheckHistory[],
  now: Date,
  show: StatusPageShow,
  title: string,
): { readonly page: StatusPage; readonly files: readonly StatusPageFile[] } {
  const page = buildStatusPage(histories, now, show);
  return {
    page,
    files: [
      { name: 'status.json', contentType: 'application/json', body: `${JSON.stringify(page, null, 2)}\n` },
      { name: 'index.html', contentType: 'text/html; charset=utf-8', body: renderStatusPage(page, title) },
    ],
  };
}
