// The dig keys for the help overlay (keys.ts spreads them into its table) and for the footer of each
// dig view. Action keys (delete, restart) are dropped with --read-only like the drill keys.
import type {KeyHelp} from './keys.js';
import type {DigViewName} from './dig-state.js';

export function digKeyTable(options: {ascii: boolean}): KeyHelp[] {
	const up = options.ascii ? 'Up/Down' : '↑/↓';
	return [
		{keys: 'd  Enter', what: 'describe the selected pod (in nodes, gateways, events: that object); j/k g/G scroll', footer: ['d', 'describe']},
		{keys: 'l', what: "the selected pod's log: follows (f toggles), / filters, p previous run, c current", footer: ['l', 'logs']},
		{keys: 'y', what: 'YAML of the selected object, as the server has it'},
		{keys: 'e', what: 'events of every cluster, merged, newest first (/ filters, Warnings first)', footer: ['e', 'events']},
		{keys: 'n  g', what: "nodes (Enter lists a node's pods) / Submariner gateways of every cluster", footer: ['n', 'nodes']},
		{keys: 'x', what: 'Lighthouse ServiceExports and where each is imported'},
		{keys: 's', what: 'sort the pod lists: status severity, age, restarts, name, memory'},
		{keys: ':', what: `commands: :pods :nodes :events :gateways :services :ns <name> :sort <key> (Tab, ${up}, ? lists)`, footer: [':', 'cmd']},
		{keys: 'Ctrl+D', what: 'delete the selected pod (y confirms; pod and cluster named)', action: true},
		{keys: 'r in describe', what: "restart the pod's Deployment or StatefulSet (y confirms)", action: true},
	];
}

/** Footer hints per dig view: [key, word]. */
export function digFooterKeys(view: DigViewName, options: {readOnly: boolean; nodePods: boolean; podTarget: boolean}): Array<[string, string]> {
	const back: [string, string] = ['Esc', 'back'];
	switch (view) {
		case 'describe':
			return [back, ['j/k', 'scroll'], ...(options.podTarget ? ([['l', 'logs']] as Array<[string, string]>) : []), ['y', 'YAML'], ...(options.readOnly || !options.podTarget ? [] : ([['r', 'restart'], ['Ctrl+D', 'delete']] as Array<[string, string]>))];
		case 'yaml':
			return [back, ['j/k', 'scroll'], ['g/G', 'top/end']];
		case 'logs':
			return [back, ['f', 'follow'], ['/', 'filter'], ['p', 'previous'], ['c', 'current'], ['g/G', 'top/end']];
		case 'events':
			return [back, ['j/k', 'move'], ['d', 'describe'], ['/', 'filter']];
		case 'nodes':
			return options.nodePods ? [back, ['d', 'describe'], ['l', 'logs'], ...(options.readOnly ? [] : ([['Ctrl+D', 'delete']] as Array<[string, string]>))] : [back, ['Enter', 'pods'], ['d', 'describe'], ['y', 'YAML']];
		case 'gateways':
			return [back, ['d', 'describe'], ['y', 'YAML']];
		case 'services':
			return [back, ['j/k', 'move'], ['g', 'gateways']];
	}
}
