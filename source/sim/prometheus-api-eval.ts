// The PromQL subset the simulator's query API understands, parsed with Prometheus's own Lezer grammar
// (@prometheus-io/lezer-promql) and evaluated over one set of samples (one instant).
//
// Supported:
//   - vector selectors: `name`, `name{l="v", l!="v", l=~"re", l!~"re"}`, `{__name__=~"re"}` (no offset, no @)
//   - number literals
//   - binary operators + - * / % ^ between vectors (one-to-one matching on all labels but __name__, no
//     on/ignoring/group_left) and between a vector and a number; comparisons == != > < >= <= as filters
//     (no `bool`); set operators `and`, `or`, `unless`
//   - aggregations sum, min, max, avg, count with `by (...)` or `without (...)`, before or after the body
//   - parentheses
// Anything else (functions, range selectors, subqueries, topk, offset) is a SimPromqlError, answered as
// Prometheus answers a bad query: HTTP 400 with errorType bad_data.
import {parser} from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type Labels = Record<string, string>;
export interface SimSeries {
	labels: Labels;
	value: number;
}
export type SimValue = {kind: 'vector'; series: SimSeries[]} | {kind: 'scalar'; value: number};

export class SimPromqlError extends Error {}

type Matcher = {label: string; op: '=' | '!=' | '=~' | '!~'; value: string; regex?: RegExp};
type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
type SetOp = 'and' | 'or' | 'unless';
type AggregateOp = 'sum' | 'min' | 'max' | 'avg' | 'count';

export type SimExpr =
	| {type: 'selector'; matchers: Matcher[]}
	| {type: 'number'; value: number}
	| {type: 'binary'; op: ArithmeticOp | ComparisonOp | SetOp; left: SimExpr; right: SimExpr}
	| {type: 'aggregate'; op: AggregateOp; grouping: {mode: 'by' | 'without'; labels: string[]} | undefined; expr: SimExpr};

const binaryOps: Record<string, ArithmeticOp | ComparisonOp | SetOp> = {
	Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^',
	Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=',
	And: 'and', Or: 'or', Unless: 'unless',
};
const matchOps: Record<string, Matcher['op']> = {EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~'};
const aggregateOps: Record<string, AggregateOp> = {Sum: 'sum', Min: 'min', Max: 'max', Avg: 'avg', Count: 'count'};

function children(node: SyntaxNode): SyntaxNode[] {
	const list: SyntaxNode[] = [];
	for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
	return list;
}

function unquote(text: string): string {
	const quote = text[0];
	const inner = text.slice(1, -1);
	if (quote === '`') return inner;
	try {
		if (quote === '"') return JSON.parse(text) as string;
		return JSON.parse(`"${inner.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
	} catch {
		return inner;
	}
}

function anchored(pattern: string): RegExp {
	try {
		// PromQL regexes are fully anchored (RE2); JS syntax covers what labwatch sends.
		return new RegExp(`^(?:${pattern})$`);
	} catch (error) {
		throw new SimPromqlError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
	}
}

/** Parses `query` into the supported subset; throws SimPromqlError for errors and unsupported parts. */
export function parseSimPromql(query: string): SimExpr {
	const tree = parser.parse(query);
	tree.iterate({
		enter: node => {
			if (node.type.isError) throw new SimPromqlError(`1:${node.from + 1}: parse error in ${JSON.stringify(query)}`);
		},
	});
	const text = (node: SyntaxNode) => query.slice(node.from, node.to);
	const unsupported = (node: SyntaxNode): never => {
		throw new SimPromqlError(`not supported by the simulator: ${node.name} ${JSON.stringify(text(node))}`);
	};

	const matcher = (node: SyntaxNode): Matcher => {
		const parts = children(node);
		const labelNode = parts.find(part => part.name === 'LabelName' || part.name === 'QuotedLabelName');
		const opNode = parts.find(part => part.name === 'MatchOp');
		const valueNode = parts.find(part => part.name === 'StringLiteral');
		if (!opNode || !valueNode) {
			// `{"metric_name"}`: a quoted name alone.
			if (node.name === 'QuotedLabelMatcher' && valueNode) return {label: '__name__', op: '=', value: unquote(text(valueNode))};
			return unsupported(node);
		}
		const labelText = labelNode ? text(labelNode) : '';
		const label = labelNode?.name === 'QuotedLabelName' ? unquote(labelText) : labelText;
		const op = matchOps[opNode.firstChild?.name ?? ''] ?? unsupported(opNode);
		const value = unquote(text(valueNode));
		return {label, op, value, ...(op === '=~' || op === '!~' ? {regex: anchored(value)} : {})};
	};

	const expr = (node: SyntaxNode): SimExpr => {
		switch (node.name) {
			case 'PromQL':
			case 'ParenExpr':
			case 'FunctionCallBody': {
				const inner = children(node);
				if (inner.length !== 1) return unsupported(node);
				return expr(inner[0]!);
			}
			case 'NumberDurationLiteral': {
				const value = Number(text(node));
				if (!Number.isFinite(value) && !/^[+-]?(inf|nan)$/i.test(text(node))) return unsupported(node);
				return {type: 'number', value: Number.isNaN(value) ? parseSpecial(text(node)) : value};
			}
			case 'VectorSelector': {
				const matchers: Matcher[] = [];
				for (const part of children(node)) {
					if (part.name === 'Identifier') matchers.push({label: '__name__', op: '=', value: text(part)});
					else if (part.name === 'LabelMatchers') {
						for (const item of children(part)) matchers.push(matcher(item));
					} else unsupported(part);
				}
				if (!matchers.some(item => (item.op === '=' && item.value !== '') || (item.op === '=~' && !item.regex?.test('')))) {
					throw new SimPromqlError('vector selector must contain at least one non-empty matcher');
				}
				return {type: 'selector', matchers};
			}
			case 'BinaryExpr': {
				const parts = children(node);
				const opIndex = parts.findIndex(part => binaryOps[part.name] !== undefined);
				if (parts.length !== 3 || opIndex !== 1) return unsupported(node);
				return {type: 'binary', op: binaryOps[parts[1]!.name]!, left: expr(parts[0]!), right: expr(parts[2]!)};
			}
			case 'AggregateExpr': {
				let op: AggregateOp | undefined;
				let grouping: {mode: 'by' | 'without'; labels: string[]} | undefined;
				let body: SimExpr | undefined;
				for (const part of children(node)) {
					if (part.name === 'AggregateOp') op = aggregateOps[part.firstChild?.name ?? ''] ?? unsupported(part);
					else if (part.name === 'AggregateModifier') {
						const modifier = children(part);
						const mode = modifier[0]?.name === 'By' ? 'by' : modifier[0]?.name === 'Without' ? 'without' : unsupported(part);
						const labels = children(modifier[1] ?? part).filter(item => item.name === 'LabelName').map(item => text(item));
						grouping = {mode, labels};
					} else if (part.name === 'FunctionCallBody') body = expr(part);
					else unsupported(part);
				}
				if (!op || !body) return unsupported(node);
				return {type: 'aggregate', op, grouping, expr: body};
			}
			default:
				return unsupported(node);
		}
	};
	return expr(tree.topNode);
}

function parseSpecial(text: string): number {
	const lower = text.toLowerCase();
	if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
	return NaN;
}

function matches(matcher: Matcher, labels: Labels): boolean {
	const value = labels[matcher.label] ?? '';
	switch (matcher.op) {
		case '=':
			return value === matcher.value;
		case '!=':
			return value !== matcher.value;
		case '=~':
			return matcher.regex!.test(value);
		case '!~':
			return !matcher.regex!.test(value);
	}
}

function withoutName(labels: Labels): Labels {
	const {__name__: _name, ...rest} = labels;
	return rest;
}

function signature(labels: Labels): string {
	return JSON.stringify(Object.entries(withoutName(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function arithmetic(op: ArithmeticOp, a: number, b: number): number {
	switch (op) {
		case '+':
			return a + b;
		case '-':
			return a - b;
		case '*':
			return a * b;
		case '/':
			return a / b;
		case '%':
			return a % b;
		case '^':
			return a ** b;
	}
}

function compare(op: ComparisonOp, a: number, b: number): boolean {
	switch (op) {
		case '==':
			return a === b;
		case '!=':
			return a !== b;
		case '>':
			return a > b;
		case '<':
			return a < b;
		case '>=':
			return a >= b;
		case '<=':
			return a <= b;
	}
}

const isComparison = (op: string): op is ComparisonOp => ['==', '!=', '>', '<', '>=', '<='].includes(op);
const isSet = (op: string): op is SetOp => op === 'and' || op === 'or' || op === 'unless';

function binary(op: ArithmeticOp | ComparisonOp | SetOp, left: SimValue, right: SimValue): SimValue {
	if (isSet(op)) {
		if (left.kind !== 'vector' || right.kind !== 'vector') throw new SimPromqlError(`set operator "${op}" not allowed in binary scalar expression`);
		const rightKeys = new Set(right.series.map(series => signature(series.labels)));
		if (op === 'and') return {kind: 'vector', series: left.series.filter(series => rightKeys.has(signature(series.labels)))};
		if (op === 'unless') return {kind: 'vector', series: left.series.filter(series => !rightKeys.has(signature(series.labels)))};
		const leftKeys = new Set(left.series.map(series => signature(series.labels)));
		return {kind: 'vector', series: [...left.series, ...right.series.filter(series => !leftKeys.has(signature(series.labels)))]};
	}
	if (left.kind === 'scalar' && right.kind === 'scalar') {
		if (isComparison(op)) throw new SimPromqlError('comparisons between scalars must use the bool modifier (not supported)');
		return {kind: 'scalar', value: arithmetic(op, left.value, right.value)};
	}
	const apply = (series: SimSeries, a: number, b: number): SimSeries | undefined => {
		if (isComparison(op)) return compare(op, a, b) ? series : undefined;
		return {labels: withoutName(series.labels), value: arithmetic(op, a, b)};
	};
	if (left.kind === 'vector' && right.kind === 'scalar') {
		return {kind: 'vector', series: left.series.flatMap(series => apply(series, series.value, right.value) ?? [])};
	}
	if (left.kind === 'scalar' && right.kind === 'vector') {
		return {kind: 'vector', series: right.series.flatMap(series => apply(series, left.value, series.value) ?? [])};
	}
	if (left.kind !== 'vector' || right.kind !== 'vector') throw new SimPromqlError('unexpected operands');
	// One-to-one matching on every label but the name.
	const rightBySignature = new Map<string, SimSeries>();
	for (const series of right.series) {
		const key = signature(series.labels);
		if (rightBySignature.has(key)) throw new SimPromqlError('found duplicate series for the match group on the right hand-side of the operation');
		rightBySignature.set(key, series);
	}
	const seen = new Set<string>();
	const result: SimSeries[] = [];
	for (const series of left.series) {
		const key = signature(series.labels);
		const match = rightBySignature.get(key);
		if (!match) continue;
		if (seen.has(key)) throw new SimPromqlError('found duplicate series for the match group on the left hand-side of the operation');
		seen.add(key);
		const out = apply(series, series.value, match.value);
		if (out) result.push(out);
	}
	return {kind: 'vector', series: result};
}

function aggregate(op: AggregateOp, grouping: {mode: 'by' | 'without'; labels: string[]} | undefined, input: SimValue): SimValue {
	if (input.kind !== 'vector') throw new SimPromqlError(`expected type instant vector in aggregation expression, got scalar`);
	const groups = new Map<string, {labels: Labels; values: number[]}>();
	for (const series of input.series) {
		const labels: Labels = {};
		if (grouping?.mode === 'by') {
			for (const label of grouping.labels) if (series.labels[label]) labels[label] = series.labels[label];
		} else if (grouping?.mode === 'without') {
			for (const [label, value] of Object.entries(withoutName(series.labels))) if (!grouping.labels.includes(label)) labels[label] = value;
		}
		const key = signature(labels);
		const group = groups.get(key) ?? {labels, values: []};
		group.values.push(series.value);
		groups.set(key, group);
	}
	const reduce = (values: number[]): number => {
		switch (op) {
			case 'sum':
				return values.reduce((sum, value) => sum + value, 0);
			case 'min':
				return Math.min(...values);
			case 'max':
				return Math.max(...values);
			case 'avg':
				return values.reduce((sum, value) => sum + value, 0) / values.length;
			case 'count':
				return values.length;
		}
	};
	return {kind: 'vector', series: [...groups.values()].map(group => ({labels: group.labels, value: reduce(group.values)}))};
}

/** Evaluates `expr` against the samples of one instant (each sample's labels include __name__). */
export function evaluateSimPromql(expr: SimExpr, samples: SimSeries[]): SimValue {
	switch (expr.type) {
		case 'number':
			return {kind: 'scalar', value: expr.value};
		case 'selector':
			return {kind: 'vector', series: samples.filter(sample => expr.matchers.every(item => matches(item, sample.labels)))};
		case 'binary':
			return binary(expr.op, evaluateSimPromql(expr.left, samples), evaluateSimPromql(expr.right, samples));
		case 'aggregate':
			return aggregate(expr.op, expr.grouping, evaluateSimPromql(expr.expr, samples));
	}
}
