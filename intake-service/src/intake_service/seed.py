"""Development seed: `python -m intake_service.seed` migrates the database, then creates (or
brings back to its dev values) insurer `demo-insurer` and a demo policy for user `dev-demo`.

Dev only: the partner secret and key pair below are public. Running it again changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

from intake_service import store
from intake_service.app import MIGRATIONS
from intake_service.at_rest import policy_values
from intake_service.domain.records import Insurer, Policy
from intake_service.settings import Settings
from lipei.db import make_engine, make_sessionmaker, migrate
from lipei.keyring import KeyRing
from lipei.sealing import public_key_of

DEMO_INSURER = "demo-insurer"
DEMO_PARTNER_SECRET = "demo-partner-secret"
# The demo insurer's private key, so a developer can open its packages (dev only).
DEMO_INSURER_PRIVATE_KEY = "lVSon3jgqpbzBzK4JOhog2KT+2zZa+SMaEv6/q6leJ0="
DEMO_POLICY_ID = "DEMO-POLICY-1"


async def seed(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    keys = KeyRing.parse(settings.data_keys)
    now = datetime.now(UTC)
    try:
        await migrate(engine, MIGRATIONS)
        sessionmaker = make_sessionmaker(engine)
        async with sessionmaker() as s, s.begin():
            if await store.get_insurer(s, DEMO_INSURER) is None:
                await store.insert_insurer(
                    s,
                    Insurer(
                        insurer_code=DEMO_INSURER,
                        name="演示保险公司",
                        public_key=public_key_of(DEMO_INSURER_PRIVATE_KEY),
                        partner_secret_enc=keys.encrypt(DEMO_PARTNER_SECRET, context=DEMO_INSURER),
                        updated_at=now,
                    ),
                )
            if await store.get_policy(s, DEMO_POLICY_ID) is None:
                await store.insert_policy(s, _demo_policy(keys, now.year))
    finally:
        await engine.dispose()


def _demo_policy(keys: KeyRing, year: int) -> Policy:
    return Policy(
        policy_id=DEMO_POLICY_ID,
        holder_user_id="dev-demo",
        insurer_code=DEMO_INSURER,
        product_name="演示门急诊医疗险",
        **policy_values(
            keys, DEMO_POLICY_ID, insured_name="演示用户", insured_id_number="110101199003071234"
        ),
        coverage=("outpatient",),
        region_code="310104",
        valid_from=date(year, 1, 1),
        valid_to=date(year, 12, 31),
        sum_insured=Decimal("20000.00"),
        deductible=Decimal("0.00"),
        reimbursement_ratio=Decimal("1"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake_service.seed", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL or intake's default")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.database_url:
        settings = Settings(database_url=args.database_url)
    asyncio.run(seed(settings))
    print(
        f"seeded insurer {DEMO_INSURER} (partner secret {DEMO_PARTNER_SECRET}, private key "
        f"{DEMO_INSURER_PRIVATE_KEY}) and policy {DEMO_POLICY_ID} for user dev-demo"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
