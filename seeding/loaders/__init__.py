"""One loader per kind of fixture; each writes through a `seeding.engine.Seeder`."""
