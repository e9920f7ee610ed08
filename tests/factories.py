"""factory_boy factories shared by the whole suite."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from org.models import Unit
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("pw")


class UnitFactory(factory.django.DjangoModelFactory):
    """Remember to call org.services.unit_scope_rebuild() after
    creating units directly: the scope table is derived data."""

    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.DEPARTMENT


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    staff_no = factory.Sequence(lambda n: f"S{n:06d}")
    name = factory.Sequence(lambda n: f"关员{n}")
    gender = Officer.Gender.MALE
    birth_date = dt.date(1975, 6, 1)
    rank_level = Officer.RankLevel.SECTION
    is_leader = False
    position = "科员"
    hire_date = dt.date(2000, 7, 1)
    leave_date = None


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    officer = factory.SubFactory(OfficerFactory)
    unit = factory.SelfAttribute("officer.unit")
    position = factory.Sequence(lambda n: f"岗位{n}")
    start_date = dt.date(2005, 1, 1)
    end_date = None


class ReserveCadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReserveCadre

    officer = factory.SubFactory(OfficerFactory)
    level = ReserveCadre.Level.BUREAU
    added_date = dt.date(2008, 1, 1)


class LeaderAppraisalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaderAppraisal

    officer = factory.SubFactory(OfficerFactory)
    year = 2009
    grade = LeaderAppraisal.Grade.COMPETENT
