"""Form pieces shared by the apps' pages."""

from django.utils.translation import gettext_lazy

# A yes/no question as radio buttons (the pages work without JavaScript).
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
