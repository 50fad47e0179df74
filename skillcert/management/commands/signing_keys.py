"""Manage the Ed25519 keys that sign admission tickets and certificates (docs/operations.md, "Signing keys").

manage.py signing_keys create        the first key (nothing happens when an active key exists)
manage.py signing_keys rotate        a new active key; the old private key is destroyed, its public key stays
manage.py signing_keys list          every key: active, published (in the JWK set) or retired
manage.py signing_keys retire KID    take a key out of the JWK set, once nothing it signed is in use
"""

import logging

from django.core.management.base import BaseCommand, CommandError

from skillcert import signing

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Create, rotate, list and retire the signing keys of tickets and certificates."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("create", help="create the first key (idempotent)")
        commands.add_parser("rotate", help="make a new active key; old public keys stay published")
        commands.add_parser("list", help="list the keys")
        retire = commands.add_parser("retire", help="remove a key from the JWK set")
        retire.add_argument("kid")

    def handle(self, *args, action: str, kid: str = "", **options):
        try:
            getattr(self, f"_{action}")(kid)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, _kid: str) -> None:
        created = signing.create_key()
        if created is None:
            self.stdout.write(f"an active key exists already: {signing.load_keys().active}")
            return
        logger.warning("signing key %s created in %s", created, signing.keys_dir())
        self.stdout.write(f"created {created} in {signing.keys_dir()} (active)")

    def _rotate(self, _kid: str) -> None:
        previous = signing.load_keys().active
        created = signing.rotate_key()
        logger.warning("signing key rotated: %s active, %s kept for verification only", created, previous)
        self.stdout.write(f"{created} is active; {previous or '—'} stays in the JWK set (public key only)")

    def _list(self, _kid: str) -> None:
        keys = signing.load_keys()
        for key in keys.published:
            state = "active" if key.kid == keys.active else "published"
            self.stdout.write(f"{key.kid}\t{key.created}\t{state}")
        for retired in keys.retired:
            self.stdout.write(f"{retired}\t\tretired")
        if not keys.published and not keys.retired:
            self.stdout.write(f"no keys in {signing.keys_dir()}")

    def _retire(self, kid: str) -> None:
        signing.retire_key(kid)
        logger.warning("signing key %s retired: no longer in the JWK set", kid)
        self.stdout.write(f"{kid} retired: documents it signed no longer verify")
