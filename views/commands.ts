// The `:` command line's commands: parsing, completion (Tab) and the list `?` shows. Pure.
import {sortKeys, type SortKey} from '../source/store/pod-sort.js';

export interface CommandHelp {
	name: string;
	args?: string;
	what: string;
}

export const commandTable: CommandHelp[] = [
	{name: 'pods', what: 'the pod lists of every cluster (closes the dig views)'},
	{name: 'nodes', what: 'nodes of every cluster: Ready, roles, kubelet, memory'},
	{name: 'events', what: 'events of every cluster, merged, newest first'},
	{name: 'gateways', what: 'Submariner gateways of every cluster'},
	{name: 'services', what: 'Lighthouse ServiceExports of every cluster (:exports)'},
	{name: 'ns', args: '<namespace>', what: 'show only this namespace in every cluster; :ns alone shows all'},
	{name: 'sort', args: '<key>', what: `sort the pod lists: ${sortKeys.join(', ')}`},
	{name: 'help', what: 'every key'},
	{name: 'quit', what: 'leave labwatch'},
];

export type Command =
	| {name: 'pods' | 'nodes' | 'events' | 'gateways' | 'services' | 'help' | 'quit'}
	| {name: 'ns'; namespace?: string}
	| {name: 'sort'; key: SortKey}
	| {name: 'list'}
	| {error: string};

const aliases: Record<string, string> = {po: 'pods', pod: 'pods', no: 'nodes', node: 'nodes', ev: 'events', event: 'events', gw: 'gateways', gateway: 'gateways', exports: 'services', export: 'services', svcex: 'services', service: 'services', svc: 'services', namespace: 'ns', q: 'quit', 'q!': 'quit', '?': 'list'};

export function parseCommand(text: string): Command {
	const [word = '', ...rest] = text.trim().replace(/^:/, '').split(/\s+/);
	if (!word) return {error: 'no command: ? lists them'};
	const name = aliases[word] ?? word;
	const arg = rest.join(' ').trim();
	switch (name) {
		case 'list':
			return {name: 'list'};
		case 'pods':
		case 'nodes':
		case 'events':
		case 'gateways':
		case 'services':
		case 'help':
		case 'quit':
			return {name};
		case 'ns':
			if (!arg || arg === 'all' || arg === '-A' || arg === '*') return {name: 'ns'};
			if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(arg)) return {error: `:ns ${arg}: not a namespace name`};
			return {name: 'ns', namespace: arg};
		case 'sort':
			if (!sortKeys.includes(arg as SortKey)) return {error: `:sort takes one of ${sortKeys.join(', ')}`};
			return {name: 'sort', key: arg as SortKey};
		default:
			return {error: `unknown command :${word} (? lists them)`};
	}
}

/** Candidates for what is typed: command names, or the argument's values (namespaces, sort keys). */
export function completions(text: string, namespaces: string[]): string[] {
	const match = /^(\S*)(\s+(\S*))?$/.exec(text);
	if (!match) return [];
	const [, word = '', spaced, arg = ''] = match;
	if (!spaced) return commandTable.map(command => command.name).filter(name => name.startsWith(word));
	const name = aliases[word] ?? word;
	const values = name === 'ns' ? namespaces : name === 'sort' ? [...sortKeys] : [];
	return values.filter(value => value.startsWith(arg)).map(value => `${word} ${value}`);
}

/** Tab: the longest common start of the candidates (the whole candidate when only one), plus a space after a lone command. */
export function complete(text: string, namespaces: string[]): string {
	const candidates = completions(text, namespaces);
	if (candidates.length === 0) return text;
	if (candidates.length === 1) {
		const only = candidates[0]!;
		const takesArgs = commandTable.some(command => command.name === only && command.args);
		return takesArgs ? `${only} ` : only;
	}
	let common = candidates[0]!;
	for (const candidate of candidates) while (!candidate.startsWith(common)) common = common.slice(0, -1);
	return common.length > text.length ? common : text;
}
