// The iptables side of a cut: the exact argument arrays, and reading `iptables -S` back to see what is there.
// Argument arrays here never include the program (iptables, sudo -n iptables, ...): the executor adds it.

export const builtinChains = ['INPUT', 'OUTPUT', 'FORWARD'] as const;

export function comment(drillId: string): string {
	return `labwatch:${drillId}`;
}

/** Built-in chains that jump to ours: FORWARD too where the point routes for others (a container, a kind node). */
export function jumpChains(routes: boolean): string[] {
	return routes ? ['INPUT', 'OUTPUT', 'FORWARD'] : ['INPUT', 'OUTPUT'];
}

export function createChainArgs(chain: string): string[] {
	return ['-w', '-N', chain];
}

export function flushChainArgs(chain: string): string[] {
	return ['-w', '-F', chain];
}

export function deleteChainArgs(chain: string): string[] {
	return ['-w', '-X', chain];
}

/** DROP both directions for each peer, tagged with the drill. */
export function dropRuleArgs(chain: string, peers: string[], drillId: string): string[][] {
	const tag = ['-m', 'comment', '--comment', comment(drillId)];
	return peers.flatMap(peer => [
		['-w', '-A', chain, '-s', peer, ...tag, '-j', 'DROP'],
		['-w', '-A', chain, '-d', peer, ...tag, '-j', 'DROP'],
	]);
}

/** Jumps go first in the built-in chain, ahead of kube-proxy's and Docker's own jumps. */
export function insertJumpArgs(builtin: string, chain: string): string[] {
	return ['-w', '-I', builtin, '1', '-j', chain];
}

export function deleteJumpArgs(builtin: string, chain: string): string[] {
	return ['-w', '-D', builtin, '-j', chain];
}

export function listArgs(): string[] {
	return ['-w', '-S'];
}

/** The full cut as planned from an empty table (the runner skips steps already done). */
export function cutPlan(chain: string, peers: string[], drillId: string, routes: boolean): string[][] {
	return [
		createChainArgs(chain),
		...dropRuleArgs(chain, peers, drillId),
		...jumpChains(routes).map(builtin => insertJumpArgs(builtin, chain)),
	];
}

/** The heal as planned: each jump deletion repeats until iptables says there is none left. */
export function healPlan(chain: string): string[][] {
	return [
		...builtinChains.map(builtin => deleteJumpArgs(builtin, chain)),
		flushChainArgs(chain),
		deleteChainArgs(chain),
	];
}

export interface RuleLine {
	/** The chain the rule is in. */
	chain: string;
	/** The rule as iptables -S prints it, without "-A CHAIN". */
	spec: string[];
	/** The original line. */
	line: string;
}

export interface RuleListing {
	chains: Set<string>;
	rules: RuleLine[];
}

/** Splits one `iptables -S` line into words, honouring the double quotes iptables puts around comments. */
export function splitRuleLine(line: string): string[] {
	const words: string[] = [];
	let current = '';
	let inWord = false;
	let quoted = false;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quoted) {
			if (char === '\\' && index + 1 < line.length) current += line[++index];
			else if (char === '"') quoted = false;
			else current += char;
		} else if (char === '"') {
			quoted = true;
			inWord = true;
		} else if (char === ' ' || char === '\t') {
			if (inWord) words.push(current);
			current = '';
			inWord = false;
		} else {
			current += char;
			inWord = true;
		}
	}
	if (inWord) words.push(current);
	return words;
}

export function parseListing(text: string): RuleListing {
	const chains = new Set<string>();
	const rules: RuleLine[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line === '') continue;
		const words = splitRuleLine(line);
		if ((words[0] === '-N' || words[0] === '-P') && words[1]) chains.add(words[1]);
		else if (words[0] === '-A' && words[1]) rules.push({chain: words[1], spec: words.slice(2), line});
	}
	return {chains, rules};
}

function jumpTarget(spec: string[]): string | undefined {
	const index = spec.findIndex(word => word === '-j' || word === '--jump' || word === '-g' || word === '--goto');
	return index >= 0 ? spec[index + 1] : undefined;
}

function commentOf(spec: string[]): string | undefined {
	const index = spec.indexOf('--comment');
	return index >= 0 ? spec[index + 1] : undefined;
}

export interface ChainState {
	exists: boolean;
	/** Rules in other chains that jump to ours, in listing order. */
	jumps: RuleLine[];
	/** Rules inside our chain. */
	rules: RuleLine[];
	/** Drill ids named by the comments in our chain. */
	drillIds: string[];
}

export function chainState(listing: RuleListing, chain: string): ChainState {
	const jumps = listing.rules.filter(rule => rule.chain !== chain && jumpTarget(rule.spec) === chain);
	const rules = listing.rules.filter(rule => rule.chain === chain);
	const drillIds = [
		...new Set(
			rules
				.map(rule => commentOf(rule.spec))
				.filter((text): text is string => text?.startsWith('labwatch:') === true)
				.map(text => text.slice('labwatch:'.length)),
		),
	];
	return {exists: listing.chains.has(chain), jumps, rules, drillIds};
}

/** Is the jump the first rule of its built-in chain? (A later ACCEPT could otherwise let traffic past.) */
export function jumpIsFirst(listing: RuleListing, builtin: string, chain: string): boolean {
	const first = listing.rules.find(rule => rule.chain === builtin);
	return first !== undefined && jumpTarget(first.spec) === chain;
}

/** What is wrong with a cut, as a list of problems; empty means the cut is in place exactly as planned. */
export function verifyCut(
	listing: RuleListing,
	chain: string,
	peers: string[],
	drillId: string,
	routes: boolean,
): string[] {
	const problems: string[] = [];
	const state = chainState(listing, chain);
	if (!state.exists) return [`chain ${chain} is missing`];
	for (const peer of peers) {
		for (const flag of ['-s', '-d']) {
			const found = state.rules.some(rule => {
				const at = rule.spec.indexOf(flag);
				const address = at >= 0 ? rule.spec[at + 1] : undefined;
				return (
					(address === peer || address === `${peer}/32`) &&
					jumpTarget(rule.spec) === 'DROP' &&
					commentOf(rule.spec) === comment(drillId)
				);
			});
			if (!found) problems.push(`no DROP ${flag} ${peer} tagged ${comment(drillId)} in ${chain}`);
		}
	}
	if (state.rules.length !== peers.length * 2) problems.push(`${chain} holds ${state.rules.length} rules, expected ${peers.length * 2}`);
	for (const builtin of jumpChains(routes)) {
		const count = state.jumps.filter(rule => rule.chain === builtin).length;
		if (count !== 1) problems.push(`${builtin} has ${count} jumps to ${chain}, expected 1`);
		else if (!jumpIsFirst(listing, builtin, chain)) problems.push(`the jump to ${chain} is not first in ${builtin}`);
	}
	return problems;
}

/** Lines still present after a heal: the chain, or anything jumping to it. Empty means healed. */
export function verifyHeal(listing: RuleListing, chain: string): string[] {
	const state = chainState(listing, chain);
	return [...(state.exists ? [`-N ${chain}`] : []), ...state.jumps.map(rule => rule.line), ...state.rules.map(rule => rule.line)];
}
