// Label and field selectors as the apiserver parses them (`app=x,tier!=y`, `app in (a,b)`, `!key`).
// Parsed once per request; matching is a few string compares per object, so a watch filter stays cheap.

export type LabelRequirement =
	| {op: 'eq' | 'neq'; key: string; value: string}
	| {op: 'in' | 'notin'; key: string; values: Set<string>}
	| {op: 'exists' | 'notexists'; key: string};

export type LabelSelector = LabelRequirement[];
export type FieldSelector = Array<{field: string; op: 'eq' | 'neq'; value: string}>;

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
	const terms: string[] = [];
	let depth = 0;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (char === '(') depth++;
		else if (char === ')') depth--;
		else if (char === ',' && depth === 0) {
			terms.push(text.slice(start, i));
			start = i + 1;
		}
	}
	terms.push(text.slice(start));
	return terms.map(term => term.trim()).filter(term => term.length > 0);
}

const keyPattern = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

function checkKey(key: string, term: string): string {
	if (!keyPattern.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
	return key;
}

export function parseLabelSelector(text: string | null | undefined): LabelSelector {
	if (!text) return [];
	return splitTerms(text).map(term => {
		const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
		if (set) {
			const values = new Set(set[3]!.split(',').map(value => value.trim()).filter(value => value.length > 0));
			return {op: set[2] as 'in' | 'notin', key: checkKey(set[1]!, term), values};
		}
		const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
		if (compare) {
			return {op: compare[2] === '!=' ? 'neq' : 'eq', key: checkKey(compare[1]!, term), value: compare[3]!};
		}
		if (term.startsWith('!')) return {op: 'notexists', key: checkKey(term.slice(1).trim(), term)};
		return {op: 'exists', key: checkKey(term, term)};
	});
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
	for (const requirement of selector) {
		const value = labels?.[requirement.key];
		switch (requirement.op) {
			case 'eq':
				if (value !== requirement.value) return false;
				break;
			case 'neq':
				if (value === requirement.value) return false;
				break;
			case 'in':
				if (value === undefined || !requirement.values.has(value)) return false;
				break;
			case 'notin':
				if (value !== undefined && requirement.values.has(value)) return false;
				break;
			case 'exists':
				if (value === undefined) return false;
				break;
			case 'notexists':
				if (value !== undefined) return false;
				break;
		}
	}
	return true;
}

/** `supported` lists the field labels the resource knows; any other is a 400 like the apiserver's. */
export function parseFieldSelector(text: string | null | undefined, supported: readonly string[]): FieldSelector {
	if (!text) return [];
	return splitTerms(text).map(term => {
		const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
		if (!match) throw new SelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
		const field = match[1]!;
		if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
		return {field, op: match[2] === '!=' ? 'neq' : 'eq', value: match[3]!.trim()};
	});
}

export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
	for (const requirement of selector) {
		const value = fields[requirement.field] ?? '';
		if (requirement.op === 'eq' ? value !== requirement.value : value === requirement.value) return false;
	}
	return true;
}
