export { Outbox } from './outbox.js';
export { Reporter } from './reporter.js';
export { PositionWatch } from './position.js';
export { Inbox } from './inbox.js';
export { SosButton, HOLD_MS } from './sos.js';
export { OperationView, elapsedText } from './operation.js';
export { alarm, unlockAudio } from './alarm.js';
export { CameraControl } from './camera.js';
