// Reading a member is reading untrusted text: what etcd 3.4 really sends is parsed, and anything else (garbage,
// escape sequences, huge or slow answers) becomes a bounded "down" with a reason, never a crash or a hang.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:http';
import {parseMetrics, parseStatus, readMember, etcdSeries} from '../../source/etcd/read.js';
import {etcdStatusFrom, etcdVerdict} from '../../source/etcd/verdict.js';
import {EtcdTimeline} from '../../source/etcd/timeline.js';
import {etcdEvents} from '../../source/etcd/events.js';
import type {EtcdMemberState} from '../../source/etcd/types.js';

// As Debian's etcd 3.4.23 answers (captured on loopback).
const metrics = `# HELP etcd_server_has_leader Whether or not a leader exists. 1 is existence, 0 is not.
# TYPE etcd_server_has_leader gauge
etcd_server_has_leader 1
etcd_server_id{server_id="132c37f40d3da087"} 1
etcd_server_is_leader 0
etcd_server_leader_changes_seen_total 1
etcd_server_proposals_committed_total 8
`;
const status = '{"header":{"cluster_id":"15238967731713632884","member_id":"1381540707029590151","revision":"1","raft_term":"2"},"version":"3.4.23","dbSize":"20480","leader":"13225039946847341301","raftIndex":"8","raftTerm":"2","raftAppliedIndex":"8","dbSizeInUse":"16384"}';
const noLeader = '{"header":{"cluster_id":"1","member_id":"17427765021847516773","revision":"1","raft_term":"3"},"version":"3.4.23","raftIndex":"10","raftTerm":"3","errors":["etcdserver: no leader"]}';

test('metrics and status as etcd 3.4 sends them', () => {
	const series = parseMetrics(metrics, etcdSeries);
	assert.deepEqual(Object.fromEntries(series), {etcd_server_has_leader: 1, etcd_server_is_leader: 0, etcd_server_leader_changes_seen_total: 1, etcd_server_proposals_committed_total: 8});
	assert.deepEqual(parseStatus(status), {memberId: '1381540707029590151', leaderId: '13225039946847341301', term: 2, raftIndex: 8, version: '3.4.23', noLeader: false});
	assert.deepEqual(parseStatus(noLeader), {memberId: '17427765021847516773', leaderId: undefined, term: 3, raftIndex: 10, version: '3.4.23', noLeader: true});
});

test('garbage in the answers is dropped field by field', () => {
	assert.equal(parseStatus('<html>502</html>'), undefined);
	assert.equal(parseStatus('[1,2]'), undefined);
	const hostile = parseStatus('{"header":{"member_id":"12ab"},"leader":"-1","raftTerm":"1e400","raftIndex":"99999999999999999999","version":"3.4\\u001b]0;pwned\\u0007"}');
	assert.deepEqual(hostile, {memberId: undefined, leaderId: undefined, term: undefined, raftIndex: undefined, version: undefined, noLeader: true});
	assert.deepEqual(Object.fromEntries(parseMetrics('etcd_server_is_leader NaN\netcd_server_has_leader{a="}"} 1\netcd_server_has_leader 0\n', etcdSeries)), {etcd_server_has_leader: 0});
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{server: Server; url: string}> {
	const server = createServer(handler);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {server, url: `http://127.0.0.1:${(server.address() as {port: number}).port}`};
}

test('a member that hangs, floods, or is not etcd is down with a reason, within the timeout', async t => {
	const hang = await serve(() => {});
	const flood = await serve((_request, response) => {
		response.writeHead(200);
		const chunk = Buffer.alloc(1024 * 1024, 'x');
		let sent = 0;
		const more = () => {
			while (sent < 8 && response.write(chunk)) sent++;
			if (sent < 8) response.once('drain', more);
			else response.end();
		};
		more();
	});
	const html = await serve((_request, response) => {
		response.writeHead(500, {'content-type': 'text/html'});
		response.end('<h1>\u001b[2J oops</h1>');
	});
	t.after(() => {
		for (const each of [hang, flood, html]) each.server.closeAllConnections?.(), each.server.close();
	});
	const read = (url: string) => readMember({name: 'etcd-0', url, via: 'local', stop: ['/bin/true'], start: ['/bin/true']}, {timeoutMs: 300});
	const hung = await read(hang.url);
	assert.deepEqual([hung.up, hung.error], [false, 'timeout after 300ms']);
	const flooded = await read(flood.url);
	assert.equal(flooded.up, false);
	assert.match(flooded.error!, /answer over 2 MiB|timeout after 300ms/);
	const broken = await read(html.url);
	assert.deepEqual([broken.up, broken.error], [false, 'HTTP 500']);
	const refused = await read('http://127.0.0.1:9');
	assert.deepEqual([refused.up, refused.error], [false, 'connection refused']);
});

function member(name: string, options: Partial<EtcdMemberState> = {}): EtcdMemberState {
	return {name, url: `http://${name}`, up: true, isLeader: false, hasLeader: true, term: 2, raftIndex: 10, atMs: 0, memberId: `${name.at(-1)}`, leaderId: '0', ...options};
}

test('the verdict: all up OK; one down WARNING; quorum lost or no leader CRITICAL; reads failing WARNING', () => {
	const three = (changes: Array<Partial<EtcdMemberState>>) => etcdStatusFrom(changes.map((change, index) => member(`etcd-${index}`, change)), 0);
	assert.deepEqual(three([{isLeader: true}, {}, {}]).verdict, {level: 'ok', reasons: []});
	const oneDown = three([{up: false, error: 'connection refused'}, {isLeader: true}, {}]);
	assert.deepEqual(oneDown.verdict, {level: 'warn', reasons: ['etcd 1/3 member down: etcd-0 (connection refused)']});
	const twoDown = three([{up: false, stopped: true}, {up: false, stopped: true}, {hasLeader: false}]);
	assert.equal(twoDown.verdict.level, 'crit');
	assert.deepEqual(twoDown.verdict.reasons, ['etcd quorum lost: 1/3 members up, 2 needed (down: etcd-0 (stopped by the drill), etcd-1 (stopped by the drill))', 'etcd has no leader (1/3 members up)']);
	const election = three([{up: false}, {hasLeader: false}, {hasLeader: false}]);
	assert.deepEqual(election.verdict.reasons, ['etcd has no leader (2/3 members up)', 'etcd 1/3 member down: etcd-0']);
	assert.equal(election.verdict.level, 'crit');
	const leaderById = etcdStatusFrom([member('etcd-0', {isLeader: undefined, memberId: '10', leaderId: '11'}), member('etcd-1', {isLeader: undefined, memberId: '11', leaderId: '11'})], 0);
	assert.equal(leaderById.leader, 'etcd-1');
	const unreadable = three([{isLeader: true}, {}, {}]);
	unreadable.readable = false;
	unreadable.readError = 'timeout after 1s';
	assert.deepEqual(etcdVerdict(unreadable), {level: 'warn', reasons: ['etcd reads fail: timeout after 1s']});
	assert.deepEqual(etcdVerdict({...three([{}, {}, {}]), polled: false}), {level: 'unknown', reasons: ['etcd not polled yet']});
});

test('the timeline from successive statuses: leader lost, new leader with its time, quorum lost and regained, API beside it', () => {
	const at = (atMs: number, changes: Array<Partial<EtcdMemberState>>, readable = true) => {
		const status = etcdStatusFrom(changes.map((change, index) => member(`etcd-${index}`, change)), atMs);
		status.readable = readable;
		return status;
	};
	const lab = (atMs: number, phase: 'live' | 'unreachable') => ({clusters: [{name: 'm1', connection: {phase, sinceMs: atMs}}], atMs}) as any;
	const timeline = new EtcdTimeline('e1', ['m1']);
	timeline.baseline(at(0, [{isLeader: true}, {}, {}]), lab(0, 'live'));
	assert.equal(timeline.observe(at(100, [{isLeader: true}, {}, {}])), false, 'nothing is recorded before the first stop');
	timeline.stopApplied('etcd-0', 'leader', 1000, 'etcd-0');
	timeline.observe(at(1100, [{up: false}, {hasLeader: false}, {hasLeader: false}], false), lab(1100, 'live'));
	timeline.observe(at(2400, [{up: false}, {isLeader: true, term: 3}, {term: 3}]), lab(2400, 'live'));
	timeline.stopApplied('etcd-1', 'leader', 3000, 'etcd-1');
	timeline.observe(at(3100, [{up: false}, {up: false}, {hasLeader: false}], false), lab(3100, 'unreachable'));
	timeline.healApplied(5000, ['etcd-0', 'etcd-1']);
	assert.equal(timeline.complete, false);
	timeline.observe(at(5600, [{}, {}, {isLeader: true, term: 4}]), lab(5600, 'live'));
	assert.equal(timeline.complete, true);
	assert.deepEqual(
		timeline.timeline().map(mark => `${mark.signal} +${mark.afterMs}`),
		[
			'stopped etcd-0 (leader) +0',
			'etcd-0 down +100',
			'leader lost +100',
			'etcd reads fail +100',
			'new leader etcd-1 (term 3) +1400',
			'etcd reads work +1400',
			'stopped etcd-1 (leader) +2000',
			'etcd-1 down +2100',
			'leader lost +100',
			'quorum lost +2100',
			'etcd reads fail +2100',
			'm1 API unreachable +2100',
			'started etcd-0, etcd-1 +4000',
			'leader etcd-2 elected after the heal +600',
			'all 3 members up, leader etcd-2 +600',
			'quorum regained +600',
			'etcd reads work +600',
			'm1 API live +600',
		],
	);
	const report = timeline.report();
	assert.deepEqual(report.signals[0], {signal: 'new leader etcd-1 elected after the leader etcd-0 stopped', afterMs: 1400, goalMs: 3000, ok: true});
	assert.ok(report.signals.some(signal => signal.signal === 'quorum regained after the heal' && signal.afterMs === 600));
});

test('feed lines: a member down, a new leader, quorum lost and regained', () => {
	const a = etcdStatusFrom([member('etcd-0', {isLeader: true}), member('etcd-1'), member('etcd-2')], 0);
	const b = etcdStatusFrom([member('etcd-0', {up: false, stopped: true}), member('etcd-1', {up: false}), member('etcd-2', {hasLeader: false})], 1);
	assert.deepEqual(etcdEvents(a, b).map(event => `${event.level} ${event.text}`), [
		'warn etcd etcd-0 down (stopped by the drill)',
		'warn etcd etcd-1 down',
		'crit etcd quorum lost: 1/3 members up',
		'crit etcd leader etcd-0 lost: no leader',
	]);
	assert.deepEqual(etcdEvents(b, a).map(event => event.text), ['etcd etcd-0 up again', 'etcd etcd-1 up again', 'etcd quorum regained: 3/3 members up', 'etcd leader now etcd-0']);
	assert.deepEqual(etcdEvents(undefined, a), []);
});
