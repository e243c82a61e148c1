import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's iids come from a counter row taken in the ticket's own transaction, as GitLab's
 * internal ids do: a rolled-back or killed ingest gives its number back, so iids have no gaps
 * (issue 22). The row stays locked from the ticket's INSERT to its commit, so tickets of one
 * project commit one after another; other projects, notes and links do not wait on it.
 */
export class WorkItemIidCounters1795652300000 implements MigrationInterface {
  name = 'WorkItemIidCounters1795652300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE work_item_iid_counters (
        project_id integer PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
        last_iid integer NOT NULL
      );
      INSERT INTO work_item_iid_counters (project_id, last_iid)
        SELECT p.id, coalesce(max(w.iid), 0) FROM projects p
          LEFT JOIN work_items w ON w.project_id = p.id GROUP BY p.id;

      DROP TRIGGER projects_iid_sequence ON projects;
      DROP FUNCTION projects_iid_sequence();
      DO $$
      DECLARE p record;
      BEGIN
        FOR p IN SELECT id FROM projects LOOP
          EXECUTE format('DROP SEQUENCE IF EXISTS %I', work_item_iid_sequence(p.id));
        END LOOP;
      END $$;
      DROP FUNCTION work_item_iid_sequence(int);

      CREATE OR REPLACE FUNCTION next_work_item_iid(project_id int) RETURNS int
        LANGUAGE sql VOLATILE AS $$
          INSERT INTO work_item_iid_counters AS c (project_id, last_iid) VALUES ($1, 1)
          ON CONFLICT ON CONSTRAINT work_item_iid_counters_pkey
            DO UPDATE SET last_iid = c.last_iid + 1
          RETURNING last_iid
        $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION work_item_iid_sequence(project_id int) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$ SELECT format('project_%s_work_item_iid_seq', project_id) $$;
      CREATE OR REPLACE FUNCTION next_work_item_iid(project_id int) RETURNS int
        LANGUAGE sql VOLATILE AS $$ SELECT nextval(work_item_iid_sequence(project_id)::regclass)::int $$;
      CREATE FUNCTION projects_iid_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          EXECUTE format('CREATE SEQUENCE %I AS integer', work_item_iid_sequence(NEW.id));
          RETURN NEW;
        END IF;
        EXECUTE format('DROP SEQUENCE IF EXISTS %I', work_item_iid_sequence(OLD.id));
        RETURN OLD;
      END $$;
      CREATE TRIGGER projects_iid_sequence AFTER INSERT OR DELETE ON projects
        FOR EACH ROW EXECUTE FUNCTION projects_iid_sequence();
      DO $$
      DECLARE p record;
      BEGIN
        FOR p IN SELECT id FROM projects LOOP
          EXECUTE format('CREATE SEQUENCE %I AS integer', work_item_iid_sequence(p.id));
        END LOOP;
        FOR p IN SELECT project_id, last_iid FROM work_item_iid_counters WHERE last_iid > 0 LOOP
          PERFORM setval(work_item_iid_sequence(p.project_id)::regclass, p.last_iid);
        END LOOP;
      END $$;
      DROP TABLE work_item_iid_counters;
    `);
  }
}
