// `y`: the object as the server has it (managedFields left out, as kubectl -o yaml does); not kept after Esc.
import {DescribeView, type DocViewProps} from './DescribeView.js';

export function YamlView(props: DocViewProps) {
	return <DescribeView {...props} />;
}
