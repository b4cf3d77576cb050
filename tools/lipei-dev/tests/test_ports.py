"""`make run`'s ports follow LIPEI_PORT_BASE and LIPEI_BROKER_PORT."""

import pytest

from lipei_dev.ports import Ports


def test_defaults_are_the_ports_the_services_assume() -> None:
    ports = Ports.from_env({})
    assert ports.gateway_url == "http://127.0.0.1:8000"
    assert ports.broker == 9092
    assert ports.services["tracking_service"] == 8003
    assert ports.services["assessment_service"] == 8005
    assert ports.gateway_metrics == 8009
    assert (ports.wechat, ports.tencentcloud) == (8010, 8011)


def test_one_base_moves_every_port_and_every_url_that_names_one() -> None:
    ports = Ports.from_env({"LIPEI_PORT_BASE": "18200", "LIPEI_BROKER_PORT": "19192"})
    gateway = ports.gateway_env()
    assert gateway["PORT"] == "18200"
    assert gateway["METRICS_PORT"] == "18209"
    assert gateway["TRACKING_URL"] == "http://127.0.0.1:18203"
    assert gateway["BUTLER_URL"] == "http://127.0.0.1:18206"
    providers = ports.provider_env()
    assert providers["WECHAT_API_BASE"] == "http://127.0.0.1:18210"
    assert providers["TENCENTCLOUD_SMS_URL"] == "http://127.0.0.1:18211"
    assert providers["INTAKE_URL"] == "http://127.0.0.1:18201"
    assert ports.broker == 19192
    every = [ports.gateway, ports.gateway_metrics, ports.wechat, ports.tencentcloud]
    assert len(set(every + list(ports.services.values()))) == 10


@pytest.mark.parametrize("value", ["eighty", "80", "65530"])
def test_a_port_that_cannot_be_used_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(SystemExit, match="LIPEI_PORT_BASE"):
        Ports.from_env({"LIPEI_PORT_BASE": value})
