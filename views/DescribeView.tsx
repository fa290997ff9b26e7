// `d`/Enter: the object described (kubectl describe's order), or its YAML (`y`), as fetched on demand.
import type {TextDoc} from '../source/store/dig-store.js';
import {TextPane} from './TextPane.js';
import {wrapDocLines} from './wrap.js';

export interface DocViewProps {
	doc?: TextDoc;
	/** What was asked for, while the answer is on its way. */
	title: string;
	top: number;
	width: number;
	height: number;
}

export function DescribeView({doc, title, top, width, height}: DocViewProps) {
	const loading = !doc || doc.state === 'loading';
	return (
		<TextPane
			title={title}
			status={doc?.state === 'error' ? 'failed' : loading ? 'loading…' : undefined}
			statusLevel={doc?.state === 'error' ? 'crit' : undefined}
			lines={doc?.state === 'ready' ? wrapDocLines(doc.lines, width) : []}
			top={top}
			width={width}
			height={height}
			empty={doc?.state === 'error' ? `could not read it: ${doc.error}` : loading ? 'asking the cluster…' : '(nothing)'}
			emptyLevel={doc?.state === 'error' ? 'crit' : 'unknown'}
		/>
	);
}
