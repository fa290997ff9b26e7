// Which gateway served an answer: the marker the user named (a response header, or a field of a JSON body)
// read from what the server sent, made safe, and mapped to a gateway name. The server is untrusted: a value
// is one line of printable text, at most 64 characters, before anything compares or shows it.
import type {IncomingHttpHeaders} from 'node:http';
import type {ProbeMarkerConfig} from '../config/probe-options.js';
import {terminalSafe} from '../text/terminal-safe.js';

const maxMarkerChars = 64;

export interface MarkerReading {
	gateway?: string;
	markerError?: string;
}

/** The marker's value from an answer: the header's, or the JSON field's; a reason when there is none. */
export function readMarker(marker: ProbeMarkerConfig, answer: {headers?: IncomingHttpHeaders; body?: string; bodyCut?: boolean}): {value?: string; error?: string} {
	if (marker.header !== undefined) {
		const raw = answer.headers?.[marker.header.toLowerCase()];
		const value = Array.isArray(raw) ? raw[0] : raw;
		if (value === undefined || value === '') return {error: `no header ${marker.header}`};
		return {value: clean(value)};
	}
	const path = marker.json!;
	if (answer.body === undefined) return {error: 'no body'};
	if (answer.bodyCut) return {error: 'body over 64 KiB: not read as JSON'};
	let data: unknown;
	try {
		data = JSON.parse(answer.body);
	} catch {
		return {error: 'body is not JSON'};
	}
	for (const key of path.split('.')) {
		if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.hasOwn(data, key)) return {error: `no field ${path}`};
		data = (data as Record<string, unknown>)[key];
	}
	if (typeof data !== 'string' && typeof data !== 'number' && typeof data !== 'boolean') return {error: `field ${path} is not a string`};
	const value = clean(String(data));
	return value ? {value} : {error: `field ${path} is empty`};
}

/** The gateway a marker value names: the name under values whose value it is, or the value itself. */
export function gatewayFor(marker: ProbeMarkerConfig, value: string): MarkerReading {
	if (!marker.values) return {gateway: value};
	for (const [name, wanted] of Object.entries(marker.values)) {
		if ((Array.isArray(wanted) ? wanted : [wanted]).includes(value)) return {gateway: name};
	}
	return {markerError: `unknown marker ${JSON.stringify(value)}`};
}

/** Both steps: what a result records. */
export function markerReading(marker: ProbeMarkerConfig, answer: {headers?: IncomingHttpHeaders; body?: string; bodyCut?: boolean}): MarkerReading {
	const read = readMarker(marker, answer);
	return read.value === undefined ? {markerError: read.error} : gatewayFor(marker, read.value);
}

function clean(value: string): string {
	return terminalSafe(value).trim().slice(0, maxMarkerChars);
}
