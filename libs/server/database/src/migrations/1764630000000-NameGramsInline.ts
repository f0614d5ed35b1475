import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cheaper `cqo_name_grams` (issue 16, roster import). The 1763900000000 definition aggregates
 * `generate_series` rows with `array_agg(DISTINCT …)`: a SQL function that cannot be inlined, so
 * every stored row of `enterprise.name_grams` ran a small query of its own (3.0 s per 100k names).
 * The new body is one expression of built-ins, which PostgreSQL inlines into the generated column:
 * every character, the pairs starting at odd positions and the pairs starting at even positions
 * (`..` matched without overlap, split on chr(1)). It yields the same set of grams (order and
 * repeats differ, which neither `@>` nor the GIN index sees); a name holding chr(1) itself goes
 * to the old aggregate, kept as `cqo_name_grams_exact`. The function is replaced in place: the
 * stored arrays of existing rows are the same sets, so nothing is rewritten.
 */
export class NameGramsInline1764630000000 implements MigrationInterface {
  name = 'NameGramsInline1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION cqo_name_grams_exact(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
          SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, length(t)) AS i
          UNION ALL
          SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i
        ) grams
      $$;
      CREATE OR REPLACE FUNCTION cqo_name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN strpos(t, chr(1)) > 0 THEN cqo_name_grams_exact(t) ELSE
          string_to_array(lower(t), NULL)
          || string_to_array(rtrim(regexp_replace(lower(t), '..', '\\&' || chr(1), 'g'), chr(1)), chr(1))
          || string_to_array(rtrim(regexp_replace(substr(lower(t), 2), '..', '\\&' || chr(1), 'g'), chr(1)), chr(1))
        END
      $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION cqo_name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
          SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, length(t)) AS i
          UNION ALL
          SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i
        ) grams
      $$;
      DROP FUNCTION cqo_name_grams_exact(text);
    `);
  }
}
