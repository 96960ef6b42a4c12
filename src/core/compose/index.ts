export { detectCompose, parseComposeVersion, type ComposeCli, type ComposeChoice, type DetectOptions } from './detect.js';
export { composeProject, baseArgv, type ComposeProject } from './project.js';
export { composeUp, composePs, composeExec, composeDown } from './commands.js';
export { dockerInspect, parseInspect, parseInspectEnv, parseInspectInside, type BindMount, type ContainerInside, type ContainerState } from './docker.js';
export { serviceContainers, containerIds, containerEnv, parsePsIds, projectContainersInside, fileInContainer, untarFirstFile } from './containers.js';
export { serviceState, type ServiceState } from './readiness.js';
export { waitForServices, describeNotReady, type WaitOptions, type WaitResult } from './wait.js';
