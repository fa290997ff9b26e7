// Stands in, in the bundle only, for the parts of @kubernetes/client-node that labwatch never calls: its
// generated API clients (makeApiClient) and its fetch transport (undici). labwatch uses KubeConfig for
// kubeconfig merging, TLS and credentials (applyToHTTPSOptions) and talks HTTP itself; these two pull
// ~2.3 MB of code into every start. Reaching one of them is a bug, said loudly.
function unused(name: string): never {
	throw new Error(`labwatch bundle: @kubernetes/client-node's ${name} is not bundled (labwatch only uses KubeConfig)`);
}

export class Agent {
	constructor() {
		unused('undici Agent');
	}
}
export class ProxyAgent extends Agent {}
export class ServerConfiguration {
	constructor() {
		unused('generated API client');
	}
}
export function createConfiguration(): never {
	return unused('generated API client');
}
export function setHeaderMiddleware(): never {
	return unused('generated API client');
}
