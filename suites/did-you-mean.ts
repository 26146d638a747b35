/**
 * "Did you mean ...?" suggestions: the one implementation lives in models/ (a leaf layer, which
 * may not import suites/); suites, reports and runners import it from here.
 */
export { closest, didYouMean, editDistance } from '../models/did-you-mean.js';
