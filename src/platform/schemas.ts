// TypeBox building blocks shared by the capabilities' API schemas.
import { Type, type TSchema } from '@sinclair/typebox';

/** A value that may be null in an answer (JSON has no "undefined"). */
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
