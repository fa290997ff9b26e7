// The body while a dig view is open: the top of the view stack, drawn from the lab snapshot (nodes,
// gateways, connection states), the dig snapshot (documents, logs, events) and the dig UI state.
import type {LabSnapshot} from '../source/store/types.js';
import type {DigSnapshot} from '../source/store/dig-store.js';
import type {DigFrame, DigState} from './dig-state.js';
import {DescribeView} from './DescribeView.js';
import {YamlView} from './YamlView.js';
import {LogsView} from './LogsView.js';
import {EventsView} from './EventsView.js';
import {NodesView} from './NodesView.js';
import {GatewaysView} from './GatewaysView.js';
import {eventRows, gatewayRows, logRows, nodeRows, podsOnNode, serviceRows} from './dig-rows.js';
import {ServicesView} from './ServicesView.js';

export interface DigScreenProps {
	frame: DigFrame;
	state: DigState;
	dig: DigSnapshot;
	snapshot: LabSnapshot;
	width: number;
	height: number;
}

const targetText = (frame: DigFrame) => {
	const target = frame.target;
	if (!target) return '';
	return `${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name} · ${target.cluster}`;
};

export function DigScreen({frame, state, dig, snapshot, width, height}: DigScreenProps) {
	const nowMs = snapshot.atMs;
	switch (frame.view) {
		case 'describe':
		case 'yaml': {
			// Only the answer for what this frame asked (a late answer for another object is not shown).
			const doc = dig.doc && dig.doc.kind === frame.view && dig.doc.target.name === frame.target?.name && dig.doc.target.cluster === frame.target?.cluster ? dig.doc : undefined;
			const View = frame.view === 'yaml' ? YamlView : DescribeView;
			return <View doc={doc} title={`${frame.view === 'yaml' ? 'YAML' : 'describe'} ${targetText(frame)}`} top={frame.scroll} width={width} height={height} />;
		}
		case 'logs':
			return (
				<LogsView
					logs={dig.logs}
					target={frame.target!}
					previous={frame.previous ?? false}
					cluster={snapshot.clusters.find(cluster => cluster.name === frame.target?.cluster)}
					lines={logRows(dig, state.search)}
					follow={state.follow && !frame.previous}
					search={state.search}
					top={frame.scroll}
					width={width}
					height={height}
					nowMs={nowMs}
				/>
			);
		case 'events':
			return <EventsView events={dig.events} rows={eventRows(dig, state.search)} selected={frame.selected} search={state.search} width={width} height={height} nowMs={nowMs} />;
		case 'nodes': {
			const nodePods = frame.nodePods ? {...frame.nodePods, pods: podsOnNode(snapshot, frame.nodePods.cluster, frame.nodePods.node)} : undefined;
			const hosts = (snapshot.hosts ?? []).map(host => ({
				host: host.host,
				clusters: snapshot.clusters.filter(cluster => cluster.host === host.host).map(cluster => cluster.name),
				usedBytes: host.actualBytes,
				limitBytes: host.limitBytes,
				source: host.actualSource,
			}));
			return <NodesView nodes={dig.nodes} hosts={hosts} rows={nodeRows(snapshot, dig)} selected={frame.selected} nodePods={nodePods} width={width} height={height} nowMs={nowMs} />;
		}
		case 'gateways':
			return <GatewaysView rows={gatewayRows(snapshot)} clusters={snapshot.clusters} selected={frame.selected} width={width} height={height} nowMs={nowMs} />;
		case 'services':
			return <ServicesView rows={serviceRows(snapshot)} clusters={snapshot.clusters} selected={frame.selected} width={width} height={height} />;
	}
}
