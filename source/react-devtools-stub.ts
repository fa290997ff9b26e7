// Stands in for react-devtools-core, which Ink imports but labwatch never connects to.
export default {initialize() {}, connectToDevTools() {}};
