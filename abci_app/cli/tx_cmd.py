"""Placeholder replaced by the real command module."""
import click
@click.group("tx")
def tx():
    raise click.ClickException('not built yet')
