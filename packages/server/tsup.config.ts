import { packageBuild } from '../../tools/tsup.shared.js';

export default packageBuild(['src/index.ts']);
