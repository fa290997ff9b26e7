// A probe's two optional parts: `marker:` (which gateway answered: the failover view) and `from:` (run the
// check from inside a cluster, through `kubectl exec` or a short-lived pod, instead of from here).
import {z} from 'zod';
import {parseDurationIn} from './duration.js';

const gatewayName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, 'expected a lower-case name like m2');
const markerValue = z.string().min(1).max(200);

/** Where the answer says who served it: a response header, or a field of a JSON body. */
export const probeMarkerSchema = z
	.strictObject({
		header: z
			.string()
			.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'expected a header name like X-Served-By')
			.optional(),
		json: z
			.string()
			.regex(/^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/, 'expected a field path like served_by or meta.gateway')
			.optional(),
		// Gateway name → the marker value(s) that mean it; without it the marker's value is the name.
		values: z.record(gatewayName, z.union([markerValue, z.array(markerValue).min(1).max(16)])).optional(),
		// The gateway traffic should leave during a cut, and the one it should all go to; default: the first and
		// the last under values.
		primary: gatewayName.optional(),
		fallback: gatewayName.optional(),
		// Results per share window.
		window: z.number().int().min(2).max(1000).default(10),
		// The return after a heal: the primary's share, in percent, each step is timed at.
		steps: z.array(z.number().int().min(1).max(100)).max(10).default([10, 50, 80]),
	})
	.superRefine((marker, ctx) => {
		if ((marker.header === undefined) === (marker.json === undefined)) ctx.addIssue({code: 'custom', path: ['header'], message: 'expected exactly one of header: or json:'});
		const names = Object.keys(marker.values ?? {});
		for (const key of ['primary', 'fallback'] as const) {
			const value = marker[key];
			if (value !== undefined && names.length > 0 && !names.includes(value)) ctx.addIssue({code: 'custom', path: [key], message: `"${value}" is not a name under values (${names.join(', ')})`});
		}
		if (marker.primary !== undefined && marker.primary === marker.fallback) ctx.addIssue({code: 'custom', path: ['fallback'], message: 'expected a fallback other than the primary'});
	});

const kubeName = (what: string) => z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, `expected a ${what} name like data`);

/** The check's own argv inside the pod; {url} {host} {port} {timeout} are filled in. */
const command = z.array(z.string().min(1).max(4096)).min(1).max(64);

const startTimeout = z.union([z.string(), z.number()]).transform((text, ctx) => {
	const parsed = parseDurationIn('probes.timeout', text);
	if ('error' in parsed) {
		ctx.addIssue({code: 'custom', message: parsed.error});
		return z.NEVER;
	}
	return parsed.ms;
});

export const probeFromSchema = z.discriminatedUnion('via', [
	z.strictObject({
		via: z.literal('exec'),
		cluster: gatewayName,
		namespace: kubeName('namespace'),
		pod: kubeName('pod'),
		container: kubeName('container').optional(),
		command: command.optional(),
	}),
	z.strictObject({
		via: z.literal('pod'),
		cluster: gatewayName,
		namespace: kubeName('namespace'),
		image: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\/:@-]{0,254}$/, 'expected an image like busybox:1.36'),
		command: command.optional(),
		// How long the pod may take to start (image pull included), on top of the probe's timeout.
		startTimeout: startTimeout.default(30_000),
	}),
]);

export type ProbeMarkerConfig = z.output<typeof probeMarkerSchema>;
export type ProbeFromConfig = z.output<typeof probeFromSchema>;
