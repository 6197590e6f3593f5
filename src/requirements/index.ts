export {
  describeFsError,
  readRequirementsFiles,
  type FindLinksSetting,
  type IndexUrlSetting,
  type InputRequirement,
  type ReadRequirementsOptions,
  type RequirementsInput,
} from './read-files.js';
export {
  parseRequirementsText,
  splitRequirementFromOptions,
  type FormatControlChange,
  type LineOptions,
  type ParsedLine,
  type ParsedRequirementsText,
  type ParseTextOptions,
  type RequirementsWarning,
  type WrittenValue,
} from './parse-text.js';
export { FormatControl, type DistributionKind } from './format-control.js';
export { formatLocation, type SourceLocation } from './input-error.js';
export { decodeRequirementsFile } from './decode.js';
export { preprocess, type Environment, type LogicalLine } from './preprocess.js';
