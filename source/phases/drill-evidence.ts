// Phase 5's evidence: the newest partition drill report in the state dir, read (bounded) and checked field
// by field, since a report file is only as trustworthy as whatever last wrote it.
import {open} from 'node:fs/promises';
import {Journal} from '../drill/journal.js';
import type {DrillEvidence} from './checklist.js';

const maxReportBytes = 1024 * 1024;

export async function newestDrillEvidence(stateDir: string): Promise<DrillEvidence | undefined> {
	const journal = new Journal(stateDir);
	const ids = await journal.listReports();
	// Drill ids start with their UTC time (d2026…), so the last in order is the newest.
	// Partition drills only: etcd drills' reports (ids e2026…) share the directory but detect no partition.
	const drillId = ids.filter(id => !id.startsWith('e')).at(-1);
	if (!drillId) return undefined;
	let text: string;
	try {
		const file = await open(journal.reportPath(drillId, 'json'), 'r');
		try {
			const buffer = Buffer.alloc(maxReportBytes);
			const {bytesRead} = await file.read(buffer, 0, maxReportBytes, 0);
			text = buffer.subarray(0, bytesRead).toString('utf8');
		} finally {
			await file.close();
		}
		return evidenceFrom(drillId, JSON.parse(text));
	} catch {
		return undefined;
	}
}

export function evidenceFrom(drillId: string, report: unknown): DrillEvidence | undefined {
	if (typeof report !== 'object' || report === null) return undefined;
	const signals = (report as {signals?: unknown}).signals;
	if (!Array.isArray(signals)) return undefined;
	const detected = signals
		.map(signal => (signal as {detectMs?: unknown} | null)?.detectMs)
		.filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0);
	return {drillId, ...(detected.length > 0 ? {detectMs: Math.min(...detected)} : {})};
}
