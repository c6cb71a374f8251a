export { checkDiskSpace, headroomBytes, statDisk } from "./space";
export type { DiskSpace, SpaceCheck, StatDisk } from "./space";
export { dataLayout, partialName, PARTIAL_PATTERN } from "./layout";
export { directorySize, fsyncDirectory, fsyncTree, isInside, listTree, removeTree } from "./tree";
export type { TreeEntry } from "./tree";
export { collectGarbage, diskUsage } from "./gc";
export type { DiskUsage, GcReport } from "./gc";
