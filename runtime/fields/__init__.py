"""The field types: one module each, collected here by widget name."""

from __future__ import annotations

from runtime.fields.address import AddressWidget
from runtime.fields.base import Widget
from runtime.fields.budget import BudgetWidget
from runtime.fields.checkboxes import CheckboxesWidget
from runtime.fields.consent import ConsentWidget
from runtime.fields.date import DateWidget
from runtime.fields.datetime import DatetimeWidget
from runtime.fields.email import EmailWidget
from runtime.fields.file import FileWidget
from runtime.fields.group import GroupWidget
from runtime.fields.iban import IbanWidget
from runtime.fields.insee import InseeWidget
from runtime.fields.integer import IntegerWidget
from runtime.fields.matrix import MatrixWidget
from runtime.fields.number import NumberWidget
from runtime.fields.phone import PhoneWidget
from runtime.fields.postcode import PostcodeWidget
from runtime.fields.radio import RadioWidget
from runtime.fields.ranking import RankingWidget
from runtime.fields.rating import RatingWidget
from runtime.fields.select import SelectWidget
from runtime.fields.siret import SiretWidget
from runtime.fields.text import TextWidget
from runtime.fields.textarea import TextareaWidget
from runtime.fields.url import UrlWidget
from runtime.fields.yesno import YesnoWidget

WIDGETS: dict[str, Widget] = {
    widget.name: widget
    for widget in (
        TextWidget(),
        TextareaWidget(),
        EmailWidget(),
        PhoneWidget(),
        UrlWidget(),
        NumberWidget(),
        IntegerWidget(),
        DateWidget(),
        DatetimeWidget(),
        RadioWidget(),
        SelectWidget(),
        CheckboxesWidget(),
        YesnoWidget(),
        ConsentWidget(),
        FileWidget(),
        AddressWidget(),
        RatingWidget(),
        MatrixWidget(),
        RankingWidget(),
        BudgetWidget(),
        GroupWidget(),
        SiretWidget(),
        PostcodeWidget(),
        InseeWidget(),
        IbanWidget(),
    )
}


def widget_for(name: str) -> Widget | None:
    return WIDGETS.get(name)
