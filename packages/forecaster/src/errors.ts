/**
 * A model folder or stored model that cannot be used: incomplete, from another format version,
 * inconsistent with itself. Names the file and the rule; never echoes file contents.
 */
export class ModelFolderError extends Error {
  override readonly name = "ModelFolderError";
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
