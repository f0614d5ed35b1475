import { Column, PrimaryGeneratedColumn, type ColumnOptions } from 'typeorm';

/** What a column may add to its type: it may be null, or the database fills a default. */
export interface ColumnExtras {
  nullable?: boolean;
  default?: ColumnOptions['default'];
}

/** The TypeORM options an entity column used to spell out: its database name only when it differs from the property
 * (`VarcharColumn('size_class', { nullable: true })`, `VarcharColumn({ nullable: true })`). */
function column(type: ColumnOptions['type'], nameOrExtras?: string | ColumnExtras, more: ColumnExtras = {}): PropertyDecorator {
  const name = typeof nameOrExtras === 'string' ? nameOrExtras : undefined;
  const extras = typeof nameOrExtras === 'object' ? nameOrExtras : more;
  const options: ColumnOptions = { type };
  if (name !== undefined) options.name = name;
  if (extras.nullable !== undefined) options.nullable = extras.nullable;
  if (extras.default !== undefined) options.default = extras.default;
  return Column(options);
}

/** The one way the entities' columns are declared (issue 19): each says what the column is. */
export const IdColumn = (): PropertyDecorator => PrimaryGeneratedColumn('uuid');
export const UuidColumn = (name?: string | ColumnExtras, extras?: ColumnExtras): PropertyDecorator => column('uuid', name, extras);
export const VarcharColumn = (name?: string | ColumnExtras, extras?: ColumnExtras): PropertyDecorator => column('varchar', name, extras);
export const TextColumn = (name?: string | ColumnExtras, extras?: ColumnExtras): PropertyDecorator => column('text', name, extras);
export const BooleanColumn = (name?: string | ColumnExtras, extras?: ColumnExtras): PropertyDecorator => column('boolean', name, extras);
export const DateColumn = (name?: string | ColumnExtras, extras?: ColumnExtras): PropertyDecorator => column('date', name, extras);
export const TimestampColumn = (name?: string | ColumnExtras, extras?: ColumnExtras): PropertyDecorator => column('timestamptz', name, extras);
/** A `timestamptz` the database sets to now() when a row is inserted without it. */
export const NowColumn = (name: string): PropertyDecorator => column('timestamptz', name, { default: () => 'now()' });
