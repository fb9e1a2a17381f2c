"""The JSON API (/api/v1/): read endpoints over every app's data, and one write.

It lives on the top floor because its endpoints read across floors (a dashboard's figures are
reports', an inspection's criteria are criteria's) while deciding nothing themselves: every
endpoint starts from the access helper of the app whose objects it returns, exactly like the
page that shows them, and the one write goes through the form's own service.
"""
