// A cluster's ServiceExports in its verdict: an export Lighthouse refuses (Valid=False: no Service, an
// unsupported type) or reports in Conflict (ports, type, session affinity differ between clusters) is
// a WARNING, as `subctl diagnose service-discovery` fails it. One still being synced (Ready not yet True)
// is not: that is the agent at work. A missing CRD says nothing (Lighthouse not installed is a fact).
import type {ClusterSnapshot, Verdict} from '../store/types.js';
import {exportState, exportWords} from './service-export.js';

export function exportsVerdict(cluster: ClusterSnapshot): Verdict {
	const bad = (cluster.discovery?.serviceExports ?? []).filter(item => {
		const state = exportState(item);
		return state === 'conflict' || state === 'invalid';
	});
	if (bad.length === 0) return {level: 'ok', reasons: []};
	return {level: 'warn', reasons: bad.slice(0, 3).map(item => `${cluster.name} ServiceExport ${item.namespace}/${item.name} ${exportWords(item)}`).concat(bad.length > 3 ? [`${cluster.name} ${bad.length - 3} more ServiceExports refused or in conflict`] : [])};
}
